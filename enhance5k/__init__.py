__version__ = "0.0.1"
"""enhance5k: take photos to 5K with learned super-resolution, measure every result, learn from ratings.

The public API is loaded lazily (PEP 562), so `import enhance5k` stays fast and imports
neither torch's heavy companions nor lightning, wandb or ipywidgets.
"""
import importlib as _importlib

_LAZY = {
    'Enhance5kError': 'core', 'InvalidImageError': 'core', 'ImageTooLargeError': 'core',
    'UnsupportedFormatError': 'core', 'MissingWeightsError': 'core', 'FeedbackError': 'core',
    'OutputError': 'core', 'ConfigError': 'core', 'ParamError': 'core', 'PipelineError': 'core', 'settings': 'core', 'get_device': 'core',
    'read_image': 'io', 'write_image': 'io', 'Image': 'io',
    'imresize': 'ops', 'rgb_to_y': 'ops',
    'assess': 'metrics', 'QualityReport': 'metrics',
    'load_model': 'models', 'list_models': 'models', 'SRNet': 'models', 'PRESETS': 'models',
    'enhance': 'enhance', 'EnhanceResult': 'enhance', 'target_size': 'enhance', 'enhance_many': 'enhance',
    'available_models': 'enhance', 'EnhancePlan': 'enhance', 'train_preset': 'train',
    'EnhanceParams': 'adjust', 'auto_params': 'adjust',
    'FeedbackStore': 'feedback', 'compare': 'widgets', 'review': 'widgets',
    'PreferenceLearner': 'learn', 'SimulatedRater': 'learn', 'learned_taste': 'learn', 'load_taste': 'learn', 'save_taste': 'learn',
    'panel': 'raters', 'Rater': 'raters',
}

def __getattr__(name):
    mod = _LAZY.get(name)
    if mod is None: raise AttributeError(f"module 'enhance5k' has no attribute {name!r}")
    return getattr(_importlib.import_module(f'enhance5k.{mod}'), name)

def __dir__(): return sorted(list(globals()) + list(_LAZY))

import sys as _sys, types as _types

class _Package(_types.ModuleType):
    "Keeps `enhance5k.enhance` the function: importing the submodule of the same name would replace it."
    def __setattr__(self, name, value):
        if name == 'enhance' and isinstance(value, _types.ModuleType): return
        super().__setattr__(name, value)

_sys.modules[__name__].__class__ = _Package
