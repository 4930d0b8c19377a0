"""A blind panel of ten simulated photo raters.

This panel was written without seeing the preference learner of this repository
(nor its own raters, metrics or benchmarks), so that the learner can be tested on
raters its authors did not write. Every measurement below is this file's own,
in plain numpy: Rec.709 / Rec.601 luma, HSV saturation, YCbCr and opponent-colour
casts, RMS contrast, luma percentiles, gradient energy, a soft histogram entropy,
soft clipping counts, halo overshoot against a tone-matched original and
Laplacian noise in flat regions.

`BLIND = {name: (likes, utility, habits)}`:

- `likes`: one line of plain English, what the rater likes.
- `utility(img, orig) -> float` in [0, 1]: how much the rater likes `img`, a variant
  of the original photo `orig`; both numpy float64 arrays (h, w, 3), sRGB in [0, 1],
  the same size (about 128 px on the long edge). 1 is the rater's ideal.
- `habits`: `sd` (rating noise, in rating points), `scale` ('full': ratings 1-5,
  'lazy': only 2-4, 'no5': never 5) and `random_share` (the share of answers given
  at random).

Meant use: a rating is `round(1 + 4*utility + N(0, sd))`, clipped to the rater's
scale (and, with probability `random_share`, a uniformly random rating on that
scale instead). A choice between two variants compares their utilities with noise.
`bench/learning.py --panel blind` does both through `enhance5k.raters.Rater`'s habits
(a choice: 4·(utility(a) − utility(b)) + N(0, sd·√2), a tie within 0.25), with this
file's utilities in place of that panel's.

Run this file to self-check the panel on the shared photos (`ENHANCE5K_DATA`/photos).
"""
import math
import numpy as np

EPS = 1e-6

# ---------------------------------------------------------------- measurements

def _luma709(x): return x[..., 0] * 0.2126 + x[..., 1] * 0.7152 + x[..., 2] * 0.0722
def _luma601(x): return x[..., 0] * 0.299 + x[..., 1] * 0.587 + x[..., 2] * 0.114

def _hsv_sat(x):
    "Per-pixel HSV saturation (max-min)/max; 0 on black."
    mx, mn = x.max(2), x.min(2)
    return (mx - mn) / np.maximum(mx, 0.02)

def _chroma_ycbcr(x):
    "Mean Cb and Cr (BT.601, analogue scale)."
    y = _luma601(x)
    return float(((x[..., 2] - y) * 0.564).mean()), float(((x[..., 0] - y) * 0.713).mean())

def _opponent(x):
    "Mean red-green and yellow-blue opponent signals, and their per-pixel arrays."
    rg = x[..., 0] - x[..., 1]
    yb = 0.5 * (x[..., 0] + x[..., 1]) - x[..., 2]
    return rg, yb

def _warmth(x):
    "Yellow-blue balance relative to brightness (gray-world in opponent space)."
    rg, yb = _opponent(x)
    return float(yb.mean() / (x.mean() + 0.01))

def _box3(y):
    "3x3 box mean with edge replication."
    p = np.pad(y, 1, mode='edge')
    h, w = y.shape
    return sum(p[i:i + h, j:j + w] for i in range(3) for j in range(3)) / 9.0

def _local_minmax(y):
    "3x3 local minimum and maximum."
    p = np.pad(y, 1, mode='edge')
    h, w = y.shape
    st = np.stack([p[i:i + h, j:j + w] for i in range(3) for j in range(3)])
    return st.min(0), st.max(0)

def _grad_energy(y):
    "Mean squared forward difference (both axes)."
    return float((np.diff(y, axis=0) ** 2).mean() + (np.diff(y, axis=1) ** 2).mean())

def _laplacian(y):
    p = np.pad(y, 1, mode='edge')
    return p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:] - 4 * y

def _entropy(y, bins=48):
    "Shannon entropy of a soft (linearly interpolated) luma histogram, in bits, divided by log2(bins)."
    t = np.clip(y.ravel(), 0, 1) * (bins - 1)
    k = np.minimum(np.floor(t).astype(int), bins - 2); f = t - k
    h = np.bincount(k, 1 - f, bins) + np.bincount(k + 1, f, bins)
    p = h / max(h.sum(), EPS)
    p = p[p > 1e-12]
    return float(-(p * np.log2(p)).sum() / math.log2(bins))

def _clipped(x):
    "Soft shares of blown pixels (a channel near 1) and crushed ones (all channels near 0); a ramp over the last 6%."
    mx = x.max(2)
    hi = np.clip((mx - 0.94) / 0.06, 0, 1).mean()
    lo = np.clip((0.04 - mx) / 0.04, 0, 1).mean()
    return float(hi), float(lo)

def _tone_matched(yo, yi):
    "The original's luma pushed through the global tone curve that turns it into img's (rank/quantile matching)."
    order = np.argsort(yo, axis=None, kind='stable')
    out = np.empty(yo.size)
    out[order] = np.sort(yi, axis=None)
    return out.reshape(yo.shape)

def _halo(img, orig):
    "RMS luma overshoot of img beyond the 3x3 range of the tone-matched original (oversharpening halos, ringing)."
    yi, yo = _luma709(img), _luma709(orig)
    mn, mx = _local_minmax(_tone_matched(yo, yi))
    over = np.maximum(yi - mx, 0) + np.maximum(mn - yi, 0)
    return float(np.sqrt((over ** 2).mean()))

def _flat_noise(img, orig):
    "Laplacian RMS of img over the flattest 30% of the original, relative to the tone-matched original's there."
    yo, yi = _luma709(orig), _luma709(img)
    act = _box3(np.abs(_laplacian(yo)))
    m = act <= np.quantile(act, 0.3)
    a = math.sqrt(float((_laplacian(yi)[m] ** 2).mean()) + 1e-8)
    b = math.sqrt(float((_laplacian(_tone_matched(yo, yi))[m] ** 2).mean()) + 1e-8)
    return a / (b + 2e-3)

# ---------------------------------------------------------------- shapes

def bump(v, target, width):
    "Gaussian bump: 1 at target, width its standard deviation."
    return math.exp(-0.5 * ((v - target) / width) ** 2)

def tbump(v, target, width, k=2.0):
    "Heavy-tailed bump (Student-t shape): like `bump` near the target, but never flat far from it."
    return (1.0 + ((v - target) / width) ** 2 / (2 * k)) ** -k

def skew(v, target, w_lo, w_hi, f=tbump):
    "A bump with different widths below and above the target."
    return f(v, target, w_lo if v < target else w_hi)

def rise(v, mid, width):
    "Logistic step from 0 to 1 around mid."
    z = max(-60.0, min(60.0, (v - mid) / width))
    return 1.0 / (1.0 + math.exp(-z))

def _clip01(u):
    u = float(u)
    return 0.0 if not math.isfinite(u) else min(1.0, max(0.0, u))

# ---------------------------------------------------------------- raters

def bright_airy(img, orig):
    "Absolute: mean Rec.709 luma near 0.56, 90th percentile near 0.85, few newly blown pixels."
    y = _luma709(img)
    hi, _ = _clipped(img); hi0, _ = _clipped(orig)
    u = tbump(y.mean(), 0.56, 0.09) * skew(np.percentile(y, 90), 0.85, 0.15, 0.25)
    u *= math.exp(-max(hi - hi0 - 0.01, 0) / 0.1)
    return _clip01(u)

def punchy(img, orig):
    "Relative, capped: RMS contrast 35% above the photo's, but never past 0.26 (flat photos get less)."
    s0, s = _luma601(orig).std(), _luma601(img).std()
    target = min(1.35 * s0 + 0.02, 0.26)
    u = skew(s, target, 0.035, 0.05)
    u *= tbump(_luma601(img).mean() - _luma601(orig).mean(), 0.0, 0.1)  # mid-tones left about where they were
    return _clip01(u)

def golden_hour(img, orig):
    "Absolute: a clear amber cast (yellow-blue opponent about +0.38 of brightness) and rich colour."
    w = _warmth(img)
    s = _hsv_sat(img).mean()
    u = skew(w, 0.38, 0.12, 0.25) * (0.6 + 0.4 * rise(s, 0.38, 0.06))
    u *= 0.6 + 0.4 * tbump(_luma709(img).mean() - _luma709(orig).mean(), 0.0, 0.12)  # would rather not go dark
    return _clip01(u)

def neutral_purist(img, orig):
    "Absolute: gray-world neutral (mean Cb and Cr near 0), moderate saturation, mid exposure; temperature fixes only part of a cast."
    cb, cr = _chroma_ycbcr(img)
    cast = math.hypot(cb, cr) / (img.mean() + 0.01)  # a chromaticity: darkening does not hide a cast
    s = _hsv_sat(img).mean()
    u = tbump(cast, 0.0, 0.08) * tbump(s, 0.33, 0.12)
    u *= tbump(_luma709(img).mean(), 0.45, 0.15)  # and a sensible exposure
    return _clip01(u)

def vivid_if_dull(img, orig):
    "Photo-dependent: dull photos want HSV saturation raised toward 0.5; already vivid ones want it eased a touch."
    s0, s = _hsv_sat(orig).mean(), _hsv_sat(img).mean()
    # dull photos: up to about 0.42-0.5; vivid ones (above ~0.53): eased back toward 0.5 (continuous in s0)
    target = 0.5 - 0.25 * (0.45 - s0) if s0 < 0.45 else 0.5 + 0.15 * (s0 - 0.45)
    u = tbump(s, target, 0.07)
    u *= tbump(_luma709(img).mean() - _luma709(orig).mean(), 0.0, 0.12)  # no big brightness shifts
    return _clip01(u)

def crisp_no_artefacts(img, orig):
    "Crisper detail (gradient energy ~1.7x the tone-matched photo's) but punishes halos, new clipping, noisy flats."
    yi, yo = _luma709(img), _luma709(orig)
    tm = _tone_matched(yo, yi)
    g0, g = _grad_energy(tm), _grad_energy(yi)
    gain = math.log2((g + 1e-7) / (g0 + 1e-7))  # detail gain beyond the tone change
    u = skew(gain, 0.75, 0.35, 0.5)
    halo = _halo(img, orig) / (math.sqrt(g0) + 0.005)  # overshoot relative to edge strength
    u *= math.exp(-max(halo - 0.13, 0) / 0.1)
    hi, lo = _clipped(img); hi0, lo0 = _clipped(orig)
    u *= math.exp(-max(hi + lo - hi0 - lo0 - 0.015, 0) / 0.04)
    u *= math.exp(-max(_flat_noise(img, orig) - 1.35, 0) / 0.35)
    u *= tbump(yi.mean() - yo.mean(), 0.0, 0.1)  # and the brightness left alone
    return _clip01(u)

def moody_low_key(img, orig):
    "Absolute: dark and dramatic - median luma near 0.27, a wide 5-95% tonal span, colour muted to ~80% of the photo's."
    y = _luma601(img)
    u = tbump(np.median(y), 0.27, 0.1)
    u *= 0.3 + 0.7 * rise(np.percentile(y, 95) - np.percentile(y, 5), 0.45, 0.1)
    s0, s = _hsv_sat(orig).mean(), _hsv_sat(img).mean()
    u *= tbump(s / (s0 + 0.02), 0.8, 0.35)
    return _clip01(u)

def tonal_spread(img, orig):
    "Full, even use of the tonal range: high luma-histogram entropy, a wide 1-99% span, no clipping; only partly reachable."
    y = _luma709(img)
    e = _entropy(y)
    hi, lo = _clipped(img)
    span = np.percentile(y, 99) - np.percentile(y, 1)
    u = rise(e, 0.78, 0.06) * rise(span, 0.65, 0.12) * math.exp(-(hi + lo) / 0.08)
    return _clip01(u)

def cool_clean(img, orig):
    "Relative: a bit cooler (Cb up ~0.035) and ~15% brighter than the photo, with no push toward red."
    cb0, cr0 = _chroma_ycbcr(orig); cb, cr = _chroma_ycbcr(img)
    y0, y = _luma709(orig).mean(), _luma709(img).mean()
    u = tbump(cb - cb0, 0.035, 0.025) * tbump(cr - cr0, -0.01, 0.03)
    u *= tbump(y / (y0 + 0.02), 1.15, 0.18)
    return _clip01(u)

def faded_film(img, orig):
    "Matte film look: lifted blacks (2nd-percentile luma ~0.12), softer contrast, colour at ~60% of the photo's, no crunchy sharpening."
    y, yo = _luma601(img), _luma601(orig)
    s0, s = _hsv_sat(orig).mean(), _hsv_sat(img).mean()
    terms = [skew(np.percentile(y, 2), 0.12, 0.07, 0.12),  # lifted, milky blacks
             tbump(y.std() / (yo.std() + 0.01), 0.75, 0.25),  # a quarter less contrast
             tbump(s / (s0 + 0.02), 0.6, 0.25),  # muted colour
             tbump(y.mean() - yo.mean(), 0.03, 0.1)]  # airy, not darker
    gain = math.log2((_grad_energy(y) + 1e-7) / (_grad_energy(_tone_matched(yo, y)) + 1e-7))
    terms.append(math.exp(-max(gain - 0.1, 0) / 1.2))  # no crunchy sharpening
    return _clip01(math.prod(terms) ** 0.8)  # a tolerant rater: the product softened

BLIND = {
    'bright_airy': ('Bright, airy photos: mid-bright overall with luminous highlights, but no blown whites.',
                    bright_airy, dict(sd=0.4, scale='full', random_share=0.05)),
    'punchy': ('More contrast than the photo has, up to a limit, without shifting its brightness.',
               punchy, dict(sd=0.3, scale='full', random_share=0.02)),
    'golden_hour': ('A warm amber, golden-hour cast with rich colour, whatever the photo.',
                    golden_hour, dict(sd=0.7, scale='full', random_share=0.08)),
    'neutral_purist': ('Neutral colour with no cast at all, moderate saturation and a normal exposure.',
                       neutral_purist, dict(sd=0.3, scale='no5', random_share=0.05)),
    'vivid_if_dull': ('More saturated colour on dull photos, a touch less on already vivid ones.',
                      vivid_if_dull, dict(sd=0.5, scale='full', random_share=0.05)),
    'crisp_no_artefacts': ('Crisp, sharper detail, but hates halos, clipped tones and amplified noise.',
                           crisp_no_artefacts, dict(sd=0.25, scale='full', random_share=0.0)),
    'moody_low_key': ('Dark, moody, low-key photos with a wide tonal span and muted colour.',
                      moody_low_key, dict(sd=0.6, scale='full', random_share=0.25)),
    'tonal_spread': ('Photos that use the whole tonal range evenly, from near-black to near-white, unclipped.',
                     tonal_spread, dict(sd=0.4, scale='lazy', random_share=0.05)),
    'cool_clean': ('A slightly cooler and brighter version of the photo, clean rather than warm.',
                   cool_clean, dict(sd=0.9, scale='full', random_share=0.1)),
    'faded_film': ('A faded film look: lifted blacks, soft contrast, muted colour.',
                   faded_film, dict(sd=0.5, scale='full', random_share=0.1)),
}

# ---------------------------------------------------------------- self-check

if __name__ == '__main__':
    import sys, time
    import torch
    torch.set_num_threads(1)
    from enhance5k.adjust import apply, view_of, to_params, SEARCH_SPACE
    from enhance5k.core import data_dir, data_missing_reason

    t0 = time.time()
    if data_dir('photos') is None: sys.exit(f"the self-check needs shared data: {data_missing_reason('photos')}")
    paths = sorted(data_dir('photos').glob('*.jpg'))
    N = 300
    g = torch.Generator().manual_seed(0)
    as_np = lambda t: t.permute(1, 2, 0).double().clamp(0, 1).numpy()
    base = {k: [] for k in BLIND}; best = {k: [] for k in BLIND}; bad = []
    for p in paths:
        v = view_of(p, 128)
        orig = as_np(v[0])
        u = torch.rand(N, len(SEARCH_SPACE), generator=g) * 2 - 1
        with torch.no_grad():
            out = apply(v.expand(N, -1, -1, -1), to_params(u))
        variants = [as_np(o) for o in out]
        for k, (_, f, _) in BLIND.items():
            b = f(orig, orig); us = [f(x, orig) for x in variants]
            if not all(0 <= q <= 1 and math.isfinite(q) for q in us + [b]): bad.append((k, p))
            base[k].append(b); best[k].append(max(us))
    print(f'{"rater":20s} {"unadjusted":>10s} {"best of %d" % N:>12s} {"gap":>6s}')
    ok = True
    for k in BLIND:
        b, m = np.mean(base[k]), np.mean(best[k]); ok &= m - b >= 0.15
        print(f'{k:20s} {b:10.3f} {m:12.3f} {m - b:6.3f}' + ('' if m - b >= 0.15 else '  <-- gap < 0.15'))
    # degenerate images: black, white, grey, each as img and orig, and mixed
    h, w = 80, 128
    flat = {'black': np.zeros((h, w, 3)), 'white': np.ones((h, w, 3)), 'grey': np.full((h, w, 3), 0.5)}
    for k, (_, f, hab) in BLIND.items():
        assert 0.2 <= hab['sd'] <= 1.0 and hab['scale'] in ('full', 'lazy', 'no5') and 0 <= hab['random_share'] <= 0.3, k
        for a in flat.values():
            for o in flat.values():
                q = f(a, o)
                if not (math.isfinite(q) and 0 <= q <= 1): bad.append((k, 'flat')); ok = False
    print('out of [0,1] or not finite (300 variants x 7 photos; black/white/grey pairs):', bad or 'none')
    ok &= not bad
    print('PASS' if ok else 'FAIL', f'({time.time() - t0:.0f}s)')
    raise SystemExit(0 if ok else 1)
