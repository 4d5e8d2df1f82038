"""The binary format (spec chapter 5): a strict decoder and an encoder.

    decode_module(data: bytes) -> Module      raises MalformedError
    encode_module(module: Module) -> bytes
"""


def __getattr__(name: str):
    # Imported on first use, so that `import wasmvm.binary.reader` stays light.
    if name == "decode_module":
        from .decode import decode_module

        return decode_module
    if name == "encode_module":
        from .encode import encode_module

        return encode_module
    raise AttributeError(name)


__all__ = ["decode_module", "encode_module"]
