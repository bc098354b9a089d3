/**
 * Reference DFT: X[k] = Σ_j x[j]·e^{∓2πijk/n} by the O(n²) definition, float64, complex values
 * as separate re/im arrays. The angle 2π·(jk mod n)/n is reduced exactly before the cos/sin.
 */
export interface Complex {
  re: Float64Array;
  im: Float64Array;
}

export function refDft(x: Complex, inverse = false): Complex {
  const n = x.re.length;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const angle = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      sr += x.re[j]! * c - x.im[j]! * s;
      si += x.re[j]! * s + x.im[j]! * c;
    }
    re[k] = inverse ? sr / n : sr;
    im[k] = inverse ? si / n : si;
  }
  return { re, im };
}
