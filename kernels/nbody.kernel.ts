// Gravitational n-body simulation (the Computer Language Benchmarks Game's
// scheme, for any number of bodies, with softening).
//
// Bodies are stored as structure of arrays: pos and vel hold x, y, z of body
// i at 3i, 3i+1, 3i+2; mass[i] is its mass; n = mass.length. pos and vel must
// hold 3n values, else RangeError.
//
// Exact semantics (kernels/reference.js implements the same, bit for bit):
// nbodyStep(pos, vel, mass, dt, eps2, steps) repeats `steps` times:
//   for i = 0..n-1, for j = i+1..n-1:
//     d = pos_i - pos_j (per axis), d2 = dx*dx + dy*dy + dz*dz + eps2,
//     mag = dt / (d2 * sqrt(d2)),
//     vel_i -= d * (mass[j] * mag), vel_j += d * (mass[i] * mag)   (per axis)
//   then for every body pos += dt * vel.
// nbodyEnergy(pos, vel, mass, eps2) = sum_i 0.5 * m_i * |v_i|^2
//   - sum_{i<j} m_i * m_j / sqrt(d2), in that order.

function checkBodies(pos: Float64Array, vel: Float64Array, n: i32): void {
  if (f64(pos.length) < 3 * f64(n) || f64(vel.length) < 3 * f64(n)) {
    throw new RangeError("nbody: pos and vel must hold 3 * mass.length values");
  }
}

/** Advances the system by `steps` steps of length dt (softening eps2 added to d^2). */
export function nbodyStep(pos: Float64Array, vel: Float64Array, mass: Float64Array, dt: f64, eps2: f64, steps: i32): void {
  const n: i32 = mass.length;
  checkBodies(pos, vel, n);
  for (let s: i32 = 0; s < steps; s++) {
    for (let i: i32 = 0; i < n; i++) {
      const i3: i32 = i * 3;
      const xi: f64 = pos[i3];
      const yi: f64 = pos[i3 + 1];
      const zi: f64 = pos[i3 + 2];
      let vxi: f64 = vel[i3];
      let vyi: f64 = vel[i3 + 1];
      let vzi: f64 = vel[i3 + 2];
      const mi: f64 = mass[i];
      let j3: i32 = i3 + 3;
      for (let j: i32 = i + 1; j < n; j++) {
        const dx: f64 = xi - pos[j3];
        const dy: f64 = yi - pos[j3 + 1];
        const dz: f64 = zi - pos[j3 + 2];
        const d2: f64 = dx * dx + dy * dy + dz * dz + eps2;
        const mag: f64 = dt / (d2 * Math.sqrt(d2));
        const mj: f64 = mass[j] * mag;
        vxi -= dx * mj;
        vyi -= dy * mj;
        vzi -= dz * mj;
        const mim: f64 = mi * mag;
        vel[j3] += dx * mim;
        vel[j3 + 1] += dy * mim;
        vel[j3 + 2] += dz * mim;
        j3 += 3;
      }
      vel[i3] = vxi;
      vel[i3 + 1] = vyi;
      vel[i3 + 2] = vzi;
    }
    const n3: i32 = n * 3;
    for (let k: i32 = 0; k < n3; k++) {
      pos[k] += dt * vel[k];
    }
  }
}

/** Total energy: kinetic minus potential (softened). */
export function nbodyEnergy(pos: Float64Array, vel: Float64Array, mass: Float64Array, eps2: f64): f64 {
  const n: i32 = mass.length;
  checkBodies(pos, vel, n);
  let e: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const i3: i32 = i * 3;
    const vx: f64 = vel[i3];
    const vy: f64 = vel[i3 + 1];
    const vz: f64 = vel[i3 + 2];
    e += 0.5 * mass[i] * (vx * vx + vy * vy + vz * vz);
  }
  for (let i: i32 = 0; i < n; i++) {
    const i3: i32 = i * 3;
    const mi: f64 = mass[i];
    for (let j: i32 = i + 1; j < n; j++) {
      const j3: i32 = j * 3;
      const dx: f64 = pos[i3] - pos[j3];
      const dy: f64 = pos[i3 + 1] - pos[j3 + 1];
      const dz: f64 = pos[i3 + 2] - pos[j3 + 2];
      e -= (mi * mass[j]) / Math.sqrt(dx * dx + dy * dy + dz * dz + eps2);
    }
  }
  return e;
}
