// Step 2 (call overhead): one call over the whole array, against one call per
// element.

// One call: the loop runs inside the kernel.
export function sum(x: Float64Array): f64 {
  let s: f64 = 0.0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

// The pitfall: a kernel that does almost nothing, called once per element
// from a JS loop. Every call crosses the JS-to-wasm boundary.
export function add(s: f64, v: f64): f64 {
  return s + v;
}
