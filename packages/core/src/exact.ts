/**
 * Exact arithmetic on the decimals users write in configs. Threshold boundaries belong to the dead band,
 * so `1200 / (4 × 1000) < 0.3` must be false; in floating point 0.3 is 0.29999999999999998890 and the
 * comparison depends on the order of operations. Every figure is turned into a fraction of BigInts
 * from its shortest decimal form (what the user typed), and compared cross-multiplied.
 */
export interface Fraction {
  readonly n: bigint;
  /** Always > 0. */
  readonly d: bigint;
}

const TEN = 10n;

/** The fraction a finite number's shortest decimal form denotes: 0.3 → 3/10, 7.5 → 15/2, 1e-7 → 1/10^7. */
export function frac(x: number): Fraction {
  if (!Number.isFinite(x)) throw new RangeError(`expected a finite number, got ${x}`);
  if (Number.isInteger(x) && Number.isSafeInteger(x)) return { n: BigInt(x), d: 1n };
  const [mantissa = '0', exponent = '0'] = String(x).toLowerCase().split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  let n = BigInt(whole + fraction);
  let d = TEN ** BigInt(fraction.length);
  const e = Number(exponent);
  if (e > 0) n *= TEN ** BigInt(e);
  else if (e < 0) d *= TEN ** BigInt(-e);
  return { n, d };
}

function of(x: number | Fraction): Fraction {
  return typeof x === 'number' ? frac(x) : x;
}

/** a × b, exactly. */
export function mul(a: number | Fraction, b: number | Fraction): Fraction {
  const x = of(a);
  const y = of(b);
  return { n: x.n * y.n, d: x.d * y.d };
}

/** a ÷ b, exactly; b must not be 0. */
export function div(a: number | Fraction, b: number | Fraction): Fraction {
  const x = of(a);
  const y = of(b);
  if (y.n === 0n) throw new RangeError('division by zero');
  const sign = y.n < 0n ? -1n : 1n;
  return { n: x.n * y.d * sign, d: x.d * y.n * sign };
}

/** a + b, exactly. */
export function add(a: number | Fraction, b: number | Fraction): Fraction {
  const x = of(a);
  const y = of(b);
  return { n: x.n * y.d + y.n * x.d, d: x.d * y.d };
}

/** -1, 0 or 1 as a is below, equal to or above b. */
export function cmp(a: number | Fraction, b: number | Fraction): -1 | 0 | 1 {
  const x = of(a);
  const y = of(b);
  const l = x.n * y.d;
  const r = y.n * x.d;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** ⌈f⌉ as a number. */
export function ceil(f: Fraction): number {
  const q = f.n / f.d;
  return Number(f.n % f.d > 0n ? q + 1n : q);
}

/** ⌊f⌋ as a number. */
export function floor(f: Fraction): number {
  const q = f.n / f.d;
  return Number(f.n % f.d < 0n ? q - 1n : q);
}

/** The nearest double, for display. */
export function toNumber(f: Fraction): number {
  return Number(f.n) / Number(f.d);
}
