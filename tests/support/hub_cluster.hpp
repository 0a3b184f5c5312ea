// Hub clusters on loopback for the cluster tests and the benchmark: N
// `chatterd --hub-node` processes on fixed free ports, each with its own data
// directory, and the ring they agree on, so a test can pick users by home.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "hub/cluster/ring.hpp"
#include "world.hpp"

namespace chatter::test {

// A port nothing listens on right now (the kernel's choice).
inline uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // Port 0: the kernel picks; getsockname reads it back (a failed bind
  // leaves port 0, which the caller's start then reports).
  (void)::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class hub_cluster {
public:
  // `capacity` nodes get ports now; the first `initial` form the cluster.
  hub_cluster(size_t capacity, size_t initial) : initial_(initial) {
    for (size_t i = 0; i < capacity; ++i) {
      ports_.push_back(free_port());
      worlds_.push_back(std::make_unique<world>());
      nodes_.emplace_back();
    }
    secret_ = worlds_[0]->dir.path() / "cluster.secret";
    std::ofstream(secret_) << "a secret the nodes of this test share\n";
  }

  std::filesystem::path secret_file() const {
    return secret_;
  }
  std::string address(size_t i) const {
    return "127.0.0.1:" + std::to_string(ports_[i]);
  }
  uint16_t port(size_t i) const {
    return ports_[i];
  }
  std::string list(size_t count) const {
    std::string out;
    for (size_t i = 0; i < count; ++i)
      out += (i ? "," : "") + address(i);
    return out;
  }
  cluster::ring ring_of(size_t count) const {
    std::set<std::string> members;
    for (size_t i = 0; i < count; ++i)
      members.insert(address(i));
    return cluster::ring{members};
  }
  // The index of the node that is `user`'s home on a ring of `count` nodes.
  size_t home_of(const std::string& user, size_t count) const {
    auto home = ring_of(count).home_of(user);
    for (size_t i = 0; i < count; ++i)
      if (address(i) == home)
        return i;
    return count;
  }

  // Starts node `i` (again, after a kill: same port, same data) as one of
  // `count` nodes; `join` for a node added to the running cluster.
  void start(size_t i, size_t count, bool join = false, std::vector<std::string> extra = {},
             const std::filesystem::path& secret = {}) {
    std::vector<std::string> args{"--hub-node",
                                  "--listen",
                                  address(i),
                                  "--cluster",
                                  list(count),
                                  "--cluster-secret",
                                  secret.empty() ? secret_.string() : secret.string()};
    if (join)
      args.push_back("--join");
    args.insert(args.end(), extra.begin(), extra.end());
    auto before = listening_lines(i);
    nodes_[i] = std::make_unique<chatterd_process>(worlds_[i]->bus, worlds_[i]->data_home(), args);
    for (int attempt = 0; listening_lines(i) == before; ++attempt) {
      if (attempt > 500)
        throw std::runtime_error("hub node " + address(i) + " did not start:\n" + log(i));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  void start_all(const std::vector<std::string>& extra = {}) {
    for (size_t i = 0; i < initial_; ++i)
      start(i, initial_, false, extra);
    wait_linked(initial_);
  }
  // Until the first `count` nodes have all linked to each other: before,
  // a user homed on a node not linked yet gets HubUnreachable.
  void wait_linked(size_t count) {
    for (int attempt = 0; attempt < 500; ++attempt) {
      bool all = true;
      for (size_t i = 0; i < count && all; ++i)
        for (size_t j = 0; j < count && all; ++j)
          all = i == j || log(i).find("linked to hub node " + address(j)) != std::string::npos;
      if (all)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("the hub nodes did not link to each other:\n" + log(0));
  }
  void kill9(size_t i) {
    nodes_[i]->kill9();
  }
  std::string log(size_t i) const {
    std::ifstream in(worlds_[i]->dir.path() / "chatterd.log");
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }
  std::filesystem::path database(size_t i) const {
    return worlds_[i]->hub_database();
  }
  pid_t pid(size_t i) const {
    return nodes_[i]->pid();
  }
  size_t size() const {
    return ports_.size();
  }

  // How often node `i` said it listens (a restart appends to its log).
  size_t listening_lines(size_t i) const {
    auto text = log(i);
    size_t n = 0;
    for (auto at = text.find("hub listening on"); at != std::string::npos;
         at = text.find("hub listening on", at + 1))
      ++n;
    return n;
  }

private:
  size_t initial_;
  std::vector<uint16_t> ports_;
  std::vector<std::unique_ptr<world>> worlds_;
  std::vector<std::unique_ptr<chatterd_process>> nodes_;
  std::filesystem::path secret_;
};

}  // namespace chatter::test
