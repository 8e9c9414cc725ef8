// libFuzzer entry point for the checkpoint parsers. Built by scripts/fuzz together with the
// sources of the Checkpoint module (one module, so internal decoders are reachable).
//
// Every input is handed to the safetensors header parser, the GGUF header parser and the JSON
// parser; when a header parses, every decodable tensor is decoded from the input bytes. The
// parsers must reject bad input with an error: any trap, overflow, out-of-bounds access
// (AddressSanitizer) or hang is a finding.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = UnsafeRawBufferPointer(start: data, count: size)
  if let header = try? SafetensorsHeader.parse(bytes, path: "fuzz.safetensors") {
    decodeAll(header.tensors, from: bytes)
  }
  if let header = try? GGUFHeader.parse(bytes, path: "fuzz.gguf") {
    decodeAll(header.tensors, from: bytes)
  }
  _ = try? JSONParser.parse(bytes)
  return 0
}

private func decodeAll(_ tensors: [TensorInfo], from bytes: UnsafeRawBufferPointer) {
  for t in tensors where t.dtype.isDecodable && t.elementCount <= 1 << 16 {
    let src = UnsafeRawBufferPointer(rebasing: bytes[t.byteRange])
    let out = UnsafeMutablePointer<Float>.allocate(capacity: max(1, t.elementCount))
    defer { out.deallocate() }
    Checkpoint.decodeValues(t.dtype, count: t.elementCount, from: src, into: out)
  }
}
