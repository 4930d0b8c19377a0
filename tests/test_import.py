import subprocess, sys, json

def test_import_is_fast_and_light():
    code = ("import time, sys; t = time.perf_counter(); import enhance5k; dt = time.perf_counter() - t; "
            "import json; print(json.dumps({'dt': dt, 'heavy': [m for m in ('lightning', 'wandb', 'ipywidgets', 'pytorch_lightning') if m in sys.modules]}))")
    best = min((json.loads(subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout) for _ in range(3)), key=lambda r: r['dt'])
    assert best['heavy'] == [], f"import enhance5k imported {best['heavy']}"
    assert best['dt'] < 1.5, f"import enhance5k took {best['dt']:.2f} s"

def test_public_api_resolves_lazily():
    import enhance5k as e5k
    assert issubclass(e5k.InvalidImageError, e5k.Enhance5kError)
    assert callable(e5k.read_image) and callable(e5k.enhance)

def test_enhance_stays_the_function_after_importing_its_module():
    import enhance5k.enhance  # the submodule of the same name
    import enhance5k as e5k
    from enhance5k.enhance import render
    assert callable(e5k.enhance) and e5k.enhance.__module__ == 'enhance5k.enhance' and callable(render)
