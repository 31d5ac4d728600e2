# Turns Emscripten's MODULARIZE (non-ES6) glue into an ES module: `export default ${NAME}`.
# (3.1.6's EXPORT_ES6 output needs __dirname and breaks under Node ESM; this works on 3.x and 4.x.)
file(READ "${GLUE}" _glue)
file(WRITE "${OUT}" "// Generated from Emscripten's glue by bindings/wasm/cmake/wrap_esm.cmake.\n${_glue}\nexport default ${NAME};\n")
