"""A second panel of ten simulated photo raters, written blind.

What it is
----------
Ten made-up people who look at variants of a photo and say how much they like
them, for testing a preference learner on tastes it was not built around. The
panel was written *blind*: without seeing the learner, the project's own
raters, its metrics or its benchmarks. The only project code read was
`enhance5k/adjust.py` (what the adjustments do) and the only data seen were
the seven shared photos. Every measurement below is written here in plain
numpy, in colour spaces and statistics chosen for this panel (Oklab/OkLCh,
Rec. 709 luma, Hasler-Suesstrunk colourfulness, box-filter local statistics,
region masks, percentiles), not borrowed from the project.

What it measures
----------------
How much each of ten made-up people likes a variant of a photo, on tastes of
deliberately different structure:

* `status_quo_purist`: status-quo bias; a fault-fixing gain minus a cost on
  any visible (Oklab) difference from the original.
* `sky_and_greens`: region-specific; likely-sky, foliage and warm skin-like
  masks read off the original, each with its own wish.
* `fix_what_needs_fixing`: interaction; a target per statistic that is the
  original's own value unless the photo has that fault (dark, dull, flat,
  blocked, clipped), so the ideal change depends on the photo.
* `moody_never_bright`: asymmetric; likes a little darker and richer, hates
  brightening many times more than darkening.
* `jnd_pop_seeker`: a just-noticeable-difference gate on the size of the
  change, a penalty on big ones, and a wish for colour and contrast between.
* `clean_full_range`: artefact hater (clipping, crushed blacks, halos at
  edges, grain in flat areas) who also wants the full tonal range used.
* `warm_matte_film`: a colour grade; closeness to a warm matte look he
  imagines on the original.
* `clarity_not_contrast`: local contrast up, global contrast down.
* `series_matcher`: absolute targets (median luma, colourfulness, contrast)
  whatever the input; the photos differ widely on them.
* `print_soft_proof`: judges a would-be print by hinge constraints (paper
  black and white, print gamut) plus print brightening and output sharpening.

Every taste can be reached with the adjustments in
`enhance5k.adjust.SEARCH_SPACE` (temperature, saturation, exposure, contrast,
sharpen): the best of 300 random variants beats the unchanged photo by at
least 0.15 utility on average over the shared photos, and no rater's ideal is
simply one slider at its maximum.

Interface
---------
`BLIND = {name: (likes, utility, habits)}`, ten raters:

* `likes`: one line of plain English, what the rater likes.
* `utility(img, orig) -> float` in [0, 1]: how much the rater likes `img`, a
  variant of the original photo `orig`; both numpy float64 arrays (h, w, 3),
  sRGB in [0, 1], the same size (about 128 px on the long edge). 1 is the
  rater's ideal. Finite and in [0, 1] for any input, flat images included.
* `habits`: `sd` (rating noise sd in rating points), `scale` ('full': ratings
  1-5, 'lazy': only 2-4, 'no5': never 5) and `random_share` (share of answers
  given at random).

A rating is round(1 + 4*utility + N(0, sd)) clipped to the scale; a choice
between a and b compares 4*(utility(a) - utility(b)) + N(0, sd*sqrt(2)).

Run this file to self-check the panel on the shared photos (300 random
variants each): `ENHANCE5K_DATA=/path/to/data python bench/blind_raters_2.py`.
"""
from __future__ import annotations

import math

import numpy as np

# ---------------------------------------------------------------- measurements
_LUMA = np.array([0.2126, 0.7152, 0.0722])  # Rec. 709 weights, applied to sRGB values ("luma")
# Oklab (Ottosson 2020): linear sRGB -> LMS, cube root, -> Lab
_OK1 = np.array([[0.4122214708, 0.5363325363, 0.0514459929],
                 [0.2119034982, 0.6806995451, 0.1073969566],
                 [0.0883024619, 0.2817188376, 0.6299787005]])
_OK2 = np.array([[0.2104542553, 0.7936177850, -0.0040720468],
                 [1.9779984951, -2.4285922050, 0.4505937099],
                 [0.0259040371, 0.7827717662, -0.8086757660]])
_LIN_N = 4096  # sRGB -> linear light as a table (error < 3e-4)
_LIN = (lambda v: np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4))(np.linspace(0.0, 1.0, _LIN_N))
_EPS = 1e-6


def _rgb(x) -> np.ndarray:
    "An image as float64 (h, w, 3) in [0, 1]: NaN made 0, values clipped into range."
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2: x = np.repeat(x[..., None], 3, axis=2)
    if x.ndim != 3 or x.shape[2] != 3 or min(x.shape[:2]) < 1: raise ValueError(f"expected an (h, w, 3) image, got shape {x.shape}")
    if not np.isfinite(x).all(): x = np.nan_to_num(x, nan=0.0, posinf=1.0, neginf=0.0)
    if x.min() < 0.0 or x.max() > 1.0: x = np.clip(x, 0.0, 1.0)
    return x


def _max3(x): return np.maximum(np.maximum(x[..., 0], x[..., 1]), x[..., 2])


def _linear(x):
    "sRGB values in [0, 1] to linear light."
    return _LIN[(x * (_LIN_N - 1) + 0.5).astype(np.intp)]


def _oklab(x):
    "Oklab L, a, b as an (h, w, 3) array."
    return np.cbrt(_linear(x) @ _OK1.T) @ _OK2.T


def _lc(lab):
    "OkLCh lightness and chroma of an Oklab array."
    return lab[..., 0], np.hypot(lab[..., 1], lab[..., 2])


def _hue(lab):
    "OkLCh hue angle in degrees, [0, 360)."
    return np.degrees(np.arctan2(lab[..., 2], lab[..., 1])) % 360.0


def _luma(x): return x @ _LUMA


def _pct(v, qs):
    "Percentiles (0-100) by partial sort, nearest rank."
    v = v.ravel(); n = v.size
    k = [min(n - 1, max(0, int(round(q / 100.0 * (n - 1))))) for q in qs]
    return np.partition(v, k)[k]


def _box(y, r: int):
    "Mean over the (2r+1)^2 window around each pixel, edges reflected (integral image)."
    h, w = y.shape
    r = min(int(r), h - 1, w - 1)
    if r < 1: return y.copy()
    p = np.pad(y, r, mode='reflect')
    c = np.zeros((p.shape[0] + 1, p.shape[1] + 1)); c[1:, 1:] = p.cumsum(0).cumsum(1)
    k = 2 * r + 1
    return (c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]) / (k * k)


def _grad(y):
    "Gradient magnitude by central differences (edges repeated)."
    p = np.pad(y, 1, mode='edge')
    return np.hypot(p[1:-1, 2:] - p[1:-1, :-2], p[2:, 1:-1] - p[:-2, 1:-1]) * 0.5


def _wmean(v, w):
    "Weighted mean; 0 where the weights vanish."
    s = float(w.sum())
    return float((v * w).sum() / s) if s > _EPS else 0.0


def _sig(z): return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def _band(h, lo, hi, soft=8.0):
    "Soft membership of hue angles h (degrees) in the band [lo, hi]."
    return _sig((h - lo) / soft * 4) * _sig((hi - h) / soft * 4)


def _hue_diff(h1, h0):
    "Signed hue difference in degrees, in [-180, 180)."
    return (h1 - h0 + 180.0) % 360.0 - 180.0


def _smoothstep(z):
    z = min(1.0, max(0.0, float(z))); return z * z * (3 - 2 * z)


def _relu(z): return max(0.0, float(z))


def _hub(z):
    "Squared error near the target, growing only linearly far from it (a person stops counting)."
    z = abs(float(z)); return z * z if z < 1 else 2 * z - 1


def _hasler(x):
    "Hasler-Suesstrunk colourfulness on [0, 1] sRGB values."
    rg = x[..., 0] - x[..., 1]; yb = 0.5 * (x[..., 0] + x[..., 1]) - x[..., 2]
    return float(math.hypot(rg.std(), yb.std()) + 0.3 * math.hypot(rg.mean(), yb.mean()))


def _rater(f):
    "Wrap a utility: inputs sanitised, the answer a float in [0, 1] (never NaN)."
    def utility(img, orig) -> float:
        v = float(f(_rgb(img), _rgb(orig)))
        return min(1.0, max(0.0, v)) if math.isfinite(v) else 0.0
    utility.__name__ = f.__name__; utility.__doc__ = f.__doc__; utility.__wrapped__ = f
    return utility


# ---------------------------------------------------------------- the raters
@_rater
def status_quo_purist(img, orig):
    """Prefers the photo as it was. A change earns credit only by fixing what he
    sees as faults (mid-tones off the middle, clipped highlights, blocked
    shadows, a colour cast on the near-greys), and every visible difference
    costs him, so only a clear fix beats the original."""
    def faults(x, lab):
        L, C = _lc(lab)
        m = float(_pct(L, [50])[0])
        f = ((m - min(0.76, max(0.5, m))) / 0.10) ** 2  # exposure away from the middle
        f += 18.0 * float((_max3(x) > 0.996).mean()) + 10.0 * _relu(float((L < 0.18).mean()) - 0.05)
        w = np.exp(-(C / 0.035) ** 2)  # near-neutral pixels
        cast = math.hypot(_wmean(lab[..., 1], w), _wmean(lab[..., 2], w))
        return f + (_relu(cast - 0.01) / 0.015) ** 2
    li, lo = _oklab(img), _oklab(orig)
    gain = faults(orig, lo) - faults(img, li)
    diff = float(np.sqrt(((li - lo) ** 2).sum(2)).mean())  # mean Oklab colour difference
    return 0.5 + 0.45 * math.tanh(1.2 * gain) - 0.5 * (1 - math.exp(-diff / 0.2))


@_rater
def sky_and_greens(img, orig):
    """Region taste: skies (bright, blue-ish or grey, upper part) a deeper blue
    and not brighter; foliage greens lusher without turning yellow; warm
    skin-like tones (orange to yellow, some chroma) kept natural; the rest of
    the photo a touch punchier."""
    lo, li = _oklab(orig), _oklab(img)
    (L0, C0), (L1, C1) = _lc(lo), _lc(li)
    h0, h1 = _hue(lo), _hue(li)
    hh, ww = L0.shape
    top = np.clip(1.25 - 2.2 * (np.arange(hh) + 0.5) / hh, 0, 1)[:, None]
    sky = top * _sig((L0 - 0.55) / 0.03) * _sig((0.012 - lo[..., 2]) / 0.006)  # the regions are read off the original
    coloured = _sig((C0 - 0.03) / 0.006)
    green = coloured * _band(h0, 118, 165) * (1 - sky)
    warm = coloured * _band(h0, 25, 95) * (1 - sky)
    rest = np.clip(1 - sky - green - warm, 0, 1)
    steady = _sig((np.minimum(C0, C1) - 0.02) / 0.005)  # hue is only seen where there is colour
    terms = []
    ws = float(sky.mean())
    if ws > 0.01:
        b0, b1 = _wmean(lo[..., 2], sky), _wmean(li[..., 2], sky)
        dl = _wmean(L1 - L0, sky)
        terms.append((ws, _hub((b1 - max(-0.09, b0 - 0.035)) / 0.02) + _hub(_relu(dl + 0.01) / 0.03)))
    wg = float(green.mean())
    if wg > 0.01:
        r = _wmean(C1, green) / max(_wmean(C0, green), _EPS)
        dh = _wmean(_hue_diff(h1, h0), green * steady)
        terms.append((wg, _hub((r - 1.3) / 0.22) + _hub(_relu(-dh) / 7.0) + _hub(_relu(dh) / 15.0)))  # towards yellow is worse
    wk = float(warm.mean())
    if wk > 0.01:
        r = _wmean(C1, warm) / max(_wmean(C0, warm), _EPS)
        dh = _wmean(_hue_diff(h1, h0), warm * steady)
        terms.append((wk, _hub((r - 1.0) / 0.2) + _hub(dh / 7.0) + _hub(_wmean(L1 - L0, warm) / 0.08)))
    wr = 0.15 + float(rest.mean())
    c0 = math.sqrt(_wmean((L0 - _wmean(L0, rest + 0.01)) ** 2, rest + 0.01))
    c1 = math.sqrt(_wmean((L1 - _wmean(L1, rest + 0.01)) ** 2, rest + 0.01))
    terms.append((wr, _hub(((c1 + 0.01) / (c0 + 0.01) - 1.18) / 0.12)))
    cost = sum(w * t for w, t in terms) / sum(w for w, _ in terms)
    return 1.0 / (1.0 + 0.6 * cost)


@_rater
def fix_what_needs_fixing(img, orig):
    """Changes only what the photo needs: lifts a dark photo and tames a bright
    one, adds colour only when it is dull, contrast only when it is flat, opens
    blocked shadows, recovers clipped highlights; anything already fine he
    wants kept (within a looser tolerance) as it was."""
    def stats(x):
        L, C = _lc(_oklab(x))
        p = _pct(L, [5, 50, 95])
        return dict(mid=float(p[1]), colour=float(C.mean()), spread=float(p[2] - p[0]),
                    blocked=float((L < 0.25).mean()), clipped=float((_max3(x) > 0.996).mean()))
    s0, s1 = stats(orig), stats(img)
    # the target of each statistic: the original's value unless that is a fault
    tgt = dict(mid=min(0.78, max(0.5, s0['mid'])), colour=max(0.062, s0['colour']),
               spread=max(0.34, s0['spread']), blocked=min(0.1, s0['blocked']), clipped=min(0.01, s0['clipped']))
    tol = dict(mid=0.05, colour=0.012, spread=0.07, blocked=0.05, clipped=0.015)
    cost = sum(_hub((s1[k] - tgt[k]) / (tol[k] * (1.0 if tgt[k] != s0[k] else 1.6))) for k in tgt)
    return 1.0 / (1.0 + 0.3 * cost)


@_rater
def moody_never_bright(img, orig):
    """Likes photos a little darker and richer than shot; brightening (worst of
    all in the highlights) is punished many times harder than darkening."""
    lo, li = _oklab(orig), _oklab(img)
    (L0, C0), (L1, C1) = _lc(lo), _lc(li)
    q0, q1 = _pct(L0, [50, 90]), _pct(L1, [50, 90])
    dm, dh = float(q1[0] - q0[0]), float(q1[1] - q0[1])
    cost = ((dm + 0.04) / 0.07) ** 2 + _hub(_relu(dm) / 0.015)  # liked: 0.04 darker; brighter: steep
    cost += _hub(_relu(dh) / 0.012) + (_relu(-dh - 0.06) / 0.1) ** 2
    cost += 60.0 * _relu(float((_max3(img) > 0.996).mean() - (_max3(orig) > 0.996).mean()))
    r = (float(C1.mean()) + 0.005) / (float(C0.mean()) + 0.005)
    cost += ((r - 1.22) / 0.22) ** 2
    return math.exp(-0.35 * cost)


@_rater
def jnd_pop_seeker(img, orig):
    """Wants more pop (colour, then contrast, brightness kept), but a change he
    cannot see is worth nothing to him and a big, obvious one is overdone."""
    def half(lab):  # 2x2 averages: the scale he compares at
        h, w = lab.shape[0] // 2 * 2, lab.shape[1] // 2 * 2
        if h < 2 or w < 2: return lab
        return lab[:h, :w].reshape(h // 2, 2, w // 2, 2, 3).mean((1, 3))
    lo, li = _oklab(orig), _oklab(img)
    D = float(np.sqrt(((half(li) - half(lo)) ** 2).sum(-1)).mean())
    gate = _smoothstep((D - 0.012) / 0.022)  # 0 below the threshold, 1 once clearly visible
    (L0, C0), (L1, C1) = _lc(lo), _lc(li)
    rc = (float(C1.mean()) + 0.01) / (float(C0.mean()) + 0.01) - 1
    rs = (float(L1.std()) + 0.01) / (float(L0.std()) + 0.01) - 1
    dm = float(_pct(L1, [50])[0] - _pct(L0, [50])[0])
    better = max(-1.0, min(1.0, 0.6 * math.tanh(rc / 0.2) + 0.4 * math.tanh(rs / 0.15) - (dm / 0.06) ** 2))
    over = _relu(D - 0.075) / 0.04
    return 0.42 + 0.5 * gate * better - 0.3 * math.tanh(over * over)


@_rater
def clean_full_range(img, orig):
    """Wants the full tonal range used, deep blacks to bright whites, with a
    little more colour, and hates the artefacts of getting there: clipped
    highlights, crushed blacks, halos at edges, grain pulled up in flat areas."""
    y1, y0 = _luma(img), _luma(orig)
    p1 = _pct(y1, [1, 10, 90, 99]); p0 = _pct(y0, [10, 90])
    taste = _hub(_relu(p1[0] - 0.04) / 0.08) + _hub(_relu(0.94 - p1[3]) / 0.08)
    C0 = float(_lc(_oklab(orig))[1].mean()); C1 = float(_lc(_oklab(img))[1].mean())
    taste += _hub(((C1 + 0.005) / (C0 + 0.005) - 1.2) / 0.15)
    bad = 20.0 * float((_max3(img) > 0.996).mean()) + 20.0 * float((y1 < 0.012).mean())
    # artefacts: high-pass energy against the original's, allowing for the global tone gain
    gain = min(3.0, max(0.3, (p1[2] - p1[1] + 0.01) / (p0[1] - p0[0] + 0.01)))
    hp1, hp0 = np.abs(y1 - _box(y1, 1)), np.abs(y0 - _box(y0, 1))
    g0 = _grad(_box(y0, 1))
    edges = g0 >= _pct(g0, [88])[0]
    local_sd = np.sqrt(np.maximum(_box(y0 * y0, 2) - _box(y0, 2) ** 2, 0))
    flat = local_sd <= _pct(local_sd, [30])[0]
    halo = (float(hp1[edges].mean()) + 0.002) / (gain * float(hp0[edges].mean()) + 0.002)
    grain = (float(hp1[flat].mean()) + 0.001) / (gain * float(hp0[flat].mean()) + 0.001)
    bad += _hub(_relu(halo - 1.12) / 0.15) + _hub(_relu(grain - 1.12) / 0.12)
    return math.exp(-0.25 * bad) / (1.0 + 0.4 * taste)


@_rater
def warm_matte_film(img, orig):
    """A warm matte film grade he has in mind and applies, in his head, to the
    original: dark tones lifted to a soft grey, whites held a little back,
    colours muted by a sixth and shifted toward amber. The closer the variant
    comes to that look (in Oklab, at the scale of regions, not pixels), the
    better; sharpening means nothing to him."""
    lo, li = _oklab(orig), _oklab(img)
    L = lo[..., 0]
    ref = np.empty_like(lo)
    ref[..., 0] = L + 0.11 * (1 - L) ** 2 * (1 - 0.6 * L) - 0.04 * L ** 4  # matte toe, softened shoulder
    warm = 0.6 + 0.4 * np.clip(L / 0.6, 0, 1)  # the amber shift, gentler in the shadows
    ref[..., 1] = 0.83 * lo[..., 1] + 0.009 * warm
    ref[..., 2] = 0.83 * lo[..., 2] + 0.024 * warm
    diff = np.stack([_box(li[..., k] - ref[..., k], 1) for k in range(3)], -1)
    diff[..., 0] = 0.8 * (diff[..., 0] - 0.85 * diff[..., 0].mean())  # overall brightness is mostly not his business
    d = float(np.sqrt((diff ** 2).sum(-1)).mean())
    return 1.0 / (1.0 + (d / 0.022) ** 2)


@_rater
def clarity_not_contrast(img, orig):
    """Loves crisp local contrast (texture, micro-contrast) but dislikes a
    stronger global tone curve: prefers the broad tones a little flatter."""
    y1, y0 = _oklab(img)[..., 0], _oklab(orig)[..., 0]  # perceptual lightness
    lc1, lc0 = float(np.abs(y1 - _box(y1, 2)).mean()), float(np.abs(y0 - _box(y0, 2)).mean())
    gc1, gc0 = float(_box(y1, 6).std()), float(_box(y0, 6).std())
    rl = (lc1 + 0.002) / (lc0 + 0.002); rg = (gc1 + 0.005) / (gc0 + 0.005)
    cost = (_relu(1.5 - rl) / 0.45) ** 2 + (_relu(rl - 2.1) / 0.35) ** 2  # happy from 1.5x to 2.1x
    d = rg - 0.85
    cost += (d / 0.12) ** 2 if d > 0 else (d / 0.25) ** 2
    return math.exp(-0.5 * cost)


@_rater
def series_matcher(img, orig):
    """Wants every photo of a series to look alike, whatever it started as:
    median luma at 0.46, moderate colourfulness, moderate contrast."""
    y = _luma(img)
    z = [(float(_pct(y, [50])[0]) - 0.46) / 0.07, (_hasler(img) - 0.2) / 0.04, (float(y.std()) - 0.19) / 0.04]
    return float(np.prod([1.0 / (1.0 + t * t) for t in z]) ** (1 / 3))


@_rater
def print_soft_proof(img, orig):
    """Judges the photo as a print on matte paper: shadows open above paper
    black, highlights below paper white, colours inside the print gamut,
    mid-tones a touch brighter than on screen and output-sharpened edges."""
    y1, y0 = _luma(img), _luma(orig)
    p = _pct(y1, [2, 50, 99])
    cost = _hub(_relu(0.06 - p[0]) / 0.03) + _hub(_relu(p[2] - 0.95) / 0.025)
    C1 = _lc(_oklab(img))[1]
    cost += _hub(float((C1 > 0.16).mean()) / 0.04)  # out of the paper's gamut
    m0 = float(_pct(y0, [50])[0])
    cost += _hub((p[1] - min(0.6, max(0.35, m0 + 0.05))) / 0.08)
    g0, g1 = _grad(y0), _grad(y1)
    edges = g0 >= _pct(g0, [85])[0]
    acut = (float(g1[edges].mean()) + 0.002) / (float(g0[edges].mean()) + 0.002)
    cost += _hub((acut - 1.4) / 0.25)
    return math.exp(-0.3 * cost)


# ---------------------------------------------------------------- the panel
BLIND = {
    'status_quo_purist': ("The photo as shot; an edit only when it clearly fixes exposure, clipping or a colour cast, and every visible change costs.",
                          status_quo_purist, dict(sd=0.3, scale='full', random_share=0.0)),
    'sky_and_greens': ("Deeper blue skies and lusher greens, warm skin-like tones left natural, the rest a touch punchier.",
                       sky_and_greens, dict(sd=0.5, scale='full', random_share=0.0)),
    'fix_what_needs_fixing': ("Only the changes a photo needs: light for dark photos, colour for dull ones, contrast for flat ones, open shadows, kept highlights.",
                              fix_what_needs_fixing, dict(sd=0.4, scale='full', random_share=0.0)),
    'moody_never_bright': ("Photos slightly darker and richer than shot; hates brightening, above all of the highlights.",
                           moody_never_bright, dict(sd=0.6, scale='no5', random_share=0.0)),
    'jnd_pop_seeker': ("A clearly visible but modest gain in colour and contrast; unnoticeable changes are worthless and big ones overdone.",
                       jnd_pop_seeker, dict(sd=0.25, scale='full', random_share=0.0)),
    'clean_full_range': ("A full tonal range and a little more colour, without clipping, crushed blacks, halos or amplified grain.",
                         clean_full_range, dict(sd=0.35, scale='full', random_share=0.0)),
    'warm_matte_film': ("A warm matte film look: lifted blacks, softened whites, an amber warmth and slightly muted colour.",
                        warm_matte_film, dict(sd=0.7, scale='full', random_share=0.2)),
    'clarity_not_contrast': ("Crisp local detail and micro-contrast, with the broad tones kept flat rather than contrasty.",
                             clarity_not_contrast, dict(sd=0.45, scale='lazy', random_share=0.0)),
    'series_matcher': ("Every photo brought to the same look: mid-tones at the middle, moderate colour and moderate contrast.",
                       series_matcher, dict(sd=0.9, scale='full', random_share=0.25)),
    'print_soft_proof': ("A photo that prints well: open shadows, held highlights, printable colours, slightly bright mid-tones and crisp edges.",
                         print_soft_proof, dict(sd=0.8, scale='full', random_share=0.1)),
}


# ---------------------------------------------------------------- self-check
def _self_check() -> int:
    import os, sys, time
    from pathlib import Path
    t0 = time.time()
    root = Path(os.environ.get('ENHANCE5K_DATA', '../shared/data')) / 'photos'
    paths = sorted(p for p in root.glob('*') if p.suffix.lower() in ('.jpg', '.jpeg', '.png')) if root.is_dir() else []
    if not paths:
        sys.exit(f"FAIL: no photos in {root.resolve()}: set ENHANCE5K_DATA to the data folder that holds photos/")
    import torch
    from enhance5k.adjust import apply, view_of, to_params, SEARCH_SPACE
    ok = True
    if len(BLIND) != 10: print(f"FAIL: {len(BLIND)} raters, not 10"); ok = False
    for name, (likes, f, hb) in BLIND.items():
        bad = []
        if name != name.lower() or not name.replace('_', '').isalnum(): bad.append('name')
        if not isinstance(likes, str) or not likes or '\n' in likes: bad.append('likes')
        if not callable(f): bad.append('utility')
        if set(hb) != {'sd', 'scale', 'random_share'}: bad.append('habit keys')
        elif not (0.2 <= hb['sd'] <= 1.0 and hb['scale'] in ('full', 'lazy', 'no5') and 0 <= hb['random_share'] <= 0.3): bad.append('habit ranges')
        if bad: print(f"FAIL: {name}: {', '.join(bad)}"); ok = False
    scales = [hb['scale'] for _, _, hb in BLIND.values()]
    if scales.count('lazy') != 1 or scales.count('no5') != 1: print("FAIL: want exactly one 'lazy' and one 'no5' rater"); ok = False
    # flat images, and pairs of them
    flats = [np.full((80, 128, 3), v) for v in (0.0, 0.5, 1.0)] + [np.full((80, 128, 3), (0.8, 0.4, 0.1))]
    for name, (_, f, _) in BLIND.items():
        for a in flats:
            for b in flats:
                u = f(a, b)
                if not (isinstance(u, float) and math.isfinite(u) and 0 <= u <= 1):
                    print(f"FAIL: {name} gives {u!r} on flat images"); ok = False
    g = torch.Generator().manual_seed(0)
    base = {k: [] for k in BLIND}; best = {k: [] for k in BLIND}
    ncalls, tcalls = 0, 0.0
    for path in paths:
        v = view_of(path, 128)
        u = torch.rand(300, len(SEARCH_SPACE), generator=g) * 2 - 1
        with torch.no_grad():
            out = apply(v.expand(300, -1, -1, -1), to_params(u))
        orig = v[0].permute(1, 2, 0).double().numpy()
        variants = [o.permute(1, 2, 0).double().numpy() for o in out]
        for name, (_, f, _) in BLIND.items():
            t = time.perf_counter()
            us = np.array([f(x, orig) for x in variants]); u0 = f(orig, orig)
            tcalls += time.perf_counter() - t; ncalls += len(variants) + 1
            if not (np.isfinite(us).all() and (us >= 0).all() and (us <= 1).all() and 0 <= u0 <= 1):
                print(f"FAIL: {name} gives utilities outside [0, 1] on {path.name}"); ok = False
            base[name].append(u0); best[name].append(float(us.max()))
    print(f"{len(paths)} photos x 300 random variants at 128 px")
    print(f"{'rater':24s} {'sd':>5s} {'scale':>5s} {'rand':>5s} {'orig':>6s} {'best300':>7s} {'gap':>6s}")
    for name, (_, _, hb) in BLIND.items():
        b0, b1 = float(np.mean(base[name])), float(np.mean(best[name]))
        flag = '' if b1 - b0 >= 0.15 else '  < 0.15'
        if flag: ok = False
        print(f"{name:24s} {hb['sd']:5.2f} {hb['scale']:>5s} {hb['random_share']:5.2f} {b0:6.3f} {b1:7.3f} {b1 - b0:6.3f}{flag}")
    print(f"{1e3 * tcalls / max(ncalls, 1):.2f} ms per utility call on average; {time.time() - t0:.1f} s in all")
    print('PASS' if ok else 'FAIL')
    return 0 if ok else 1


if __name__ == '__main__':
    raise SystemExit(_self_check())
