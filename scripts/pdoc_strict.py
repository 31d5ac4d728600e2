"""The Python API reference: pdoc over the installed keyscope package, failing on any warning.

pdoc reports what it cannot document (an unresolvable reference in a docstring, an annotation it
cannot evaluate, a module that fails to import) as Python warnings and carries on; here every
warning raised while the reference is generated is printed and makes the exit status 1.
Usage: python pdoc_strict.py OUTPUT_DIR   (the interpreter of the environment keyscope is in)
"""

from __future__ import annotations

import pkgutil
import sys
import warnings
from pathlib import Path


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    output = Path(sys.argv[1])
    import keyscope  # the installed wheel: fail here, plainly, when it is not installed
    import pdoc
    import pdoc.extract
    import pdoc.render

    pdoc.render.configure(docformat="markdown", footer_text=f"keyscope {keyscope.__version__}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # Every public submodule: from the package alone pdoc takes only the submodules its
        # __all__ names (keyscope.logs), not the optional ones (keyscope.pandas, keyscope.dask).
        walked = pdoc.extract.walk_specs(["keyscope"])
        public = [f"keyscope.{m.name}" for m in pkgutil.iter_modules(keyscope.__path__)
                  if not m.name.startswith("_")]
        modules = walked + sorted(set(public) - set(walked))
        pdoc.pdoc("keyscope", *modules[len(walked):], output_directory=output)
    for warning in caught:
        print(f"pdoc: warning: {warning.filename}:{warning.lineno}: {warning.category.__name__}: "
              f"{warning.message}", file=sys.stderr)
    if caught:
        print(f"pdoc: {len(caught)} warning(s): the Python reference is not clean", file=sys.stderr)
        return 1
    print(f"pdoc: keyscope {keyscope.__version__} documented in {output}: {', '.join(modules)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
