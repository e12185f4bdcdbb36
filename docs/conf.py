"""Sphinx configuration of the nakmodel documentation site.

Build: ``make docs`` (full site, gallery executed) or the fast build of ``make test``
(``-D plot_gallery=0``: gallery pages without running the examples). Warnings are errors
in both (``-W --keep-going``). Everything is local: no intersphinx, no web fonts.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import nakmodel  # noqa: E402

project = "nakmodel"
author = "The nakmodel developers"
copyright = "2026, The nakmodel developers (MIT licence)"
release = nakmodel.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "parameter_sources",  # docs/_ext: the parameter-source pages, generated from the set
    "docstring_style",  # docs/_ext: the compact "name: text" docstrings as clean reST
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "**.ipynb_checkpoints", "examples/**/GALLERY_HEADER.rst",
                    "examples/GALLERY_HEADER.rst", "auto_examples/**.py",
                    "auto_examples/**.ipynb", "auto_examples/**.zip", "auto_examples/**.json"]
templates_path: list[str] = []
html_static_path: list[str] = []  # no custom assets: nothing to copy

# --- MyST (Markdown pages) -----------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# --- autodoc / autosummary / napoleon: one docstring style, NumPy ---------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
autoclass_content = "class"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_param = True
napoleon_preprocess_types = False
napoleon_attr_annotations = True
napoleon_use_ivar = True
# type hints that name classes autodoc cannot resolve to a documented page
nitpicky = False

# --- sphinx-gallery: the seed experiments and the tutorials ---------------------------
sphinx_gallery_conf = {
    "examples_dirs": ["examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/(plot|tutorial)_",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
    "show_signature": False,
    "image_scrapers": ("matplotlib",),
    "reset_modules": ("matplotlib",),
    "plot_gallery": "True",
    "backreferences_dir": None,
    "doc_module": (),
    "min_reported_time": 1,
    "matplotlib_animations": False,
    "copyfile_regex": "",
    "promote_jupyter_magic": False,
}

# --- HTML: pydata-sphinx-theme, offline -----------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"nakmodel {release}"
html_theme_options = {
    "navbar_end": ["navbar-icon-links"],
    "icon_links": [],
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"**": ["sidebar-nav-bs"]}
html_last_updated_fmt = None
html_show_sourcelink = False
