// Plain-JS twins of the loop-nest kernels: the same loops over the same typed
// arrays, as a JS programmer would write them (V8 optimizes these well).

export function matmul(a, b, c, n, p, m) {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) c[i * m + j] = 0;
    for (let k = 0; k < p; k++) {
      const aik = a[i * p + k];
      for (let j = 0; j < m; j++) {
        c[i * m + j] += aik * b[k * m + j];
      }
    }
  }
}

export function matvec(a, x, y, n, m) {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) {
      s += a[i * m + j] * x[j];
    }
    y[i] = s;
  }
}

export function jacobi5(src, dst, w, h) {
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      dst[y * w + x] = 0.25 * (src[(y - 1) * w + x] + src[(y + 1) * w + x] + src[y * w + x - 1] + src[y * w + x + 1]);
    }
  }
}

export function sweep9(g, w, h) {
  const r = 1.0 / 9.0;
  for (let y = 1; y < h - 1; y++) {
    const row = y * w;
    for (let x = 1; x < w - 1; x++) {
      const i = row + x;
      g[i] = (g[i - w - 1] + g[i - w] + g[i - w + 1] +
              g[i - 1] + g[i] + g[i + 1] +
              g[i + w - 1] + g[i + w] + g[i + w + 1]) * r;
    }
  }
}

export function floydWarshall(d, n) {
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      const dik = d[i * n + k];
      for (let j = 0; j < n; j++) {
        const t = dik + d[k * n + j];
        if (t < d[i * n + j]) d[i * n + j] = t;
      }
    }
  }
}

// ---- variants (bench/loopnest/variants/, `--variants`) ----------------------

export function matmulIJK(a, b, c, n) {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
      c[i * n + j] = s;
    }
  }
}

export function matvecT(a, x, y, n, m) {
  for (let j = 0; j < m; j++) y[j] = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    for (let j = 0; j < m; j++) y[j] += a[i * m + j] * xi;
  }
}

const f = Math.fround;
export function stencilF32(inp, out, w, h) {
  const k = f(0.2);
  for (let y = 1; y < h - 1; y++) {
    const up = (y - 1) * w, mid = y * w, dn = (y + 1) * w;
    for (let x = 1; x < w - 1; x++) {
      out[mid + x] = f(k * f(f(f(f(inp[mid + x] + inp[up + x]) + inp[dn + x]) + inp[mid + x - 1]) + inp[mid + x + 1]));
    }
  }
}

export function sor(u, w, h, omega) {
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      u[i] = u[i] + omega * ((u[i - 1] + u[i + 1] + u[i - w] + u[i + w]) * 0.25 - u[i]);
    }
  }
}

export function floydMin(d, n) {
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        d[i * n + j] = Math.min(d[i * n + j], d[i * n + k] + d[k * n + j]);
      }
    }
  }
}
