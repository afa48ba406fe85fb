// Step 8: a dependent float chain. Each step needs the previous result, so
// neither wasm nor JS can overlap the work: both run the same machine
// multiplies one after another.
export function logistic(x0: f64, r: f64, steps: i32): f64 {
  let x = x0;
  for (let i = 0; i < steps; i++) x = r * x * (1.0 - x);
  return x;
}
