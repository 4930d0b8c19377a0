"""How sharply each built-in SimulatedRater taste pins its tasted parameters: the rater's utility with one parameter 0.10 of its range off the optimum.

    python bench/taste_profile.py [--off 0.10] [--steps 150] [--json bench/taste_profile.json]

For each taste and tasted parameter, on the 7 shared photos `bench/learning.py` uses: the rater's mean utility (1 at the
optimum) with that parameter moved by `off` of its range either way, first with the other searched parameters at the
optimum, then with them refit (Adam through the differentiable `apply`) to make up for it as well as they can. The refit
figure is what the ratings must tell apart from 1 for the learner to place the parameter within `off`; 4 x (1 - u) is that
gap in rating points at the peak, against the rater's noise (sd 0.3) and the rounding to whole ratings.
"""
import argparse, json, os, platform, sys, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'bench'))

def utility(rater, u:torch.Tensor)->torch.Tensor:
    "The rater's mean utility over its images at coordinates u, differentiable (`SimulatedRater.score`)."
    from enhance5k.adjust import to_params
    from enhance5k.adjust import apply
    p = to_params(u); return torch.stack([rater.score(apply(v, p), i) for i, v in enumerate(rater.views)]).mean()

def refit(rater, o:torch.Tensor, j:int, cj:float, steps:int)->float:
    "Highest utility with coordinate j held at cj and the others free in [-1, 1], from the optimum."
    free = o.clone().requires_grad_(True); opt = torch.optim.Adam([free], lr=0.02); best = 0.0
    for _ in range(steps):
        v = utility(rater, torch.cat([free[:j], torch.tensor([cj]), free[j + 1:]])); best = max(best, v.item())
        opt.zero_grad(); (-v).backward(); opt.step()
        with torch.no_grad(): free.clamp_(-1, 1)
    return best

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--off', type=float, default=0.10, help='offset of the held parameter, share of its range'); p.add_argument('--steps', type=int, default=150, help='Adam steps of the refit'); p.add_argument('--json', default=str(ROOT / 'bench' / 'taste_profile.json'), help='where to write the figures')
    a = p.parse_args(argv); torch.set_num_threads(1)
    import learning
    from enhance5k.io import read_image
    from enhance5k.learn import TASTES, SEARCH_SPACE, SimulatedRater, view_of, to_coords
    views = [view_of(read_image(x), 128) for x in learning.photos()]; rows = []
    for t in TASTES:
        rater = SimulatedRater(views, t); o = to_coords(rater.optimum)
        for name in rater.tasted:
            j = SEARCH_SPACE.index(name)
            for sign in (-1, 1):
                cj = float(o[j]) + sign * 2 * a.off  # coordinates span 2 per range
                if not -1 <= cj <= 1: continue
                with torch.no_grad(): fixed = utility(rater, torch.cat([o[:j], torch.tensor([cj]), o[j + 1:]])).item()
                best = refit(rater, o, j, cj, a.steps)
                rows.append({'taste': t, 'param': name, 'offset': sign * a.off, 'utility_others_at_optimum': fixed, 'utility_others_refit': best, 'rating_gap_at_peak': 4 * (1 - best)})
    lines = [f'| taste | parameter | offset (share of range) | utility, others at optimum | utility, others refit | rating points from the peak (4 × (1 − u)) |', '|---|---|---|---|---|---|']
    lines += [f"| {r['taste']} | {r['param']} | {r['offset']:+.2f} | {r['utility_others_at_optimum']:.3f} | {r['utility_others_refit']:.3f} | {r['rating_gap_at_peak']:.3f} |" for r in rows]
    res = {'machine': f"{platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}", 'date': time.strftime('%Y-%m-%d'), 'off': a.off, 'steps': a.steps,
           'photos': [x.name for x in learning.photos()], 'rows': rows}
    Path(a.json).write_text(json.dumps(res, indent=2) + '\n'); print('\n'.join(lines))

if __name__ == '__main__':
    main()
