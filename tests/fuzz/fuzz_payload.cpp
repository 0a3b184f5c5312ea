// The inner payload codec (chat/payload.hpp) as a hostile peer can feed it
// once an envelope opened: any bytes as the plaintext. Invariants: what
// decodes re-encodes to the same bytes (legacy plain text aside), and
// nothing decoded exceeds the codec's bounds.
#include "core/payload.hpp"
#include "fuzz_target.hpp"

using namespace chatter;
using fuzz::require;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto as_seed = [](const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); };
  fuzz::write_seeds_if_asked({
    as_seed(encode_payload({payload_kind::text, 1, "hello", {}, {}})),
    as_seed(encode_payload({payload_kind::receipt, 0, "", "read", {"a1", "b2"}})),
    as_seed(encode_payload({payload_kind::refusal, 0, "", "bad signature", {"a1"}})),
    as_seed("plain text from before sequences"),
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  auto p = decode_payload(in);
  if (!p)
    return 0;
  require(p->text.size() <= 64 * 1024, "an oversized text was accepted");
  require(p->ids.size() <= max_receipt_ids, "too many receipt ids were accepted");
  if (!in.empty() && static_cast<uint8_t>(in[0]) == payload_magic) {
    require(encode_payload(*p) == in, "the payload codec does not round-trip");
  } else {
    require(p->sequence == 0 && p->text == in, "legacy text did not come back as itself");
  }
  return 0;
}
