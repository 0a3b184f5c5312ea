#include "identity_file.hpp"

#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/scram.hpp"

namespace chatter {

namespace fs = std::filesystem;

namespace {

void write_private_file(const fs::path& folder, const std::string& name, const std::string& text) {
  auto tmp = folder / (name + ".tmp");
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot write " + tmp.string());
  bool ok =
    ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok)
    throw std::runtime_error("cannot write " + tmp.string());
  fs::rename(tmp, folder / name);
}

bool cheaper_than(const kdf_params& a, const kdf_params& b) {
  return a.memory_kib < b.memory_kib || a.iterations < b.iterations;
}

}  // namespace

void save_identity_file(const std::string& folder, const locked_keys& keys) {
  nlohmann::json j;
  j["suite"] = keys.suite;
  if (keys.sealed.empty()) {
    j["signing_key"] = keys.signing_pem;
    j["encryption_key"] = keys.encryption_pem;
  } else {
    j["version"] = 2;
    j["kdf"] = {{"algorithm", "Argon2id"},
                {"memory_kib", keys.kdf.memory_kib},
                {"iterations", keys.kdf.iterations},
                {"parallelism", keys.kdf.parallelism}};
    j["salt"] = scram::to_base64(keys.salt);
    j["aead"] = "ChaCha20Poly1305";
    j["nonce"] = scram::to_base64(keys.nonce);
    j["sealed_keys"] = scram::to_base64(keys.sealed);
  }
  j["public"] = {{"user", keys.identity.user},
                 {"suite", keys.identity.suite},
                 {"signing_key", scram::to_base64(keys.identity.signing_key)},
                 {"encryption_key", scram::to_base64(keys.identity.encryption_key)},
                 {"binding", scram::to_base64(keys.identity.binding_signature)}};
  write_private_file(folder, "identity.json", j.dump(2) + "\n");
}

std::optional<locked_keys> load_identity_file(const std::string& folder) {
  std::ifstream in(fs::path(folder) / "identity.json");
  if (!in)
    return std::nullopt;
  try {
    auto j = nlohmann::json::parse(in);
    locked_keys keys;
    keys.suite = j.at("suite").get<std::string>();
    int version = j.value("version", 1);
    if (version == 1) {
      keys.signing_pem = j.at("signing_key").get<std::string>();
      keys.encryption_pem = j.at("encryption_key").get<std::string>();
    } else if (version == 2 && j.at("kdf").at("algorithm") == "Argon2id"
               && j.at("aead") == "ChaCha20Poly1305") {
      auto& kdf = j.at("kdf");
      keys.kdf = {kdf.at("memory_kib").get<uint32_t>(), kdf.at("iterations").get<uint32_t>(),
                  kdf.at("parallelism").get<uint32_t>()};
      keys.salt = scram::from_base64(j.at("salt").get<std::string>());
      keys.nonce = scram::from_base64(j.at("nonce").get<std::string>());
      keys.sealed = scram::from_base64(j.at("sealed_keys").get<std::string>());
    } else {
      return std::nullopt;
    }
    auto& p = j.at("public");
    keys.identity = {p.at("user").get<std::string>(), p.at("suite").get<std::string>(),
                     scram::from_base64(p.at("signing_key").get<std::string>()),
                     scram::from_base64(p.at("encryption_key").get<std::string>()),
                     scram::from_base64(p.at("binding").get<std::string>())};
    return keys;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

crypto::locked_identity locked_identity_of(const locked_keys& keys) {
  return {keys.suite, keys.signing_pem, keys.encryption_pem, keys.kdf,
          keys.salt,  keys.nonce,       keys.sealed};
}

locked_keys locked_keys_of(const crypto::locked_identity& locked, const public_identity& pub) {
  return {locked.suite, locked.signing_pem, locked.encryption_pem, pub,
          locked.kdf,   locked.salt,        locked.nonce,          locked.sealed};
}

crypto::private_identity unlock_identity_file(const std::string& folder, const locked_keys& keys,
                                              std::string_view password,
                                              const kdf_params& login_kdf) {
  auto id = crypto::unlock_identity(locked_identity_of(keys), password);
  auto cost = scram::raised_to_member_floor(login_kdf);
  if (!keys.sealed.empty() && !cheaper_than(keys.kdf, cost))
    return id;
  try {
    save_identity_file(folder,
                       locked_keys_of(crypto::lock_identity(id, password, cost), keys.identity));
    spdlog::info("{}: identity.json sealed again with Argon2id ({} KiB, t={})", keys.identity.user,
                 cost.memory_kib, cost.iterations);
  } catch (const std::exception& ex) {
    spdlog::warn("{}: identity.json could not be sealed again, the old one stays: {}",
                 keys.identity.user, ex.what());
  }
  return id;
}

}  // namespace chatter
