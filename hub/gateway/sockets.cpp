#include "sockets.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <system_error>

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace chatter {

namespace {

// "socket:[12345]", the link /proc/self/fd/N points to for a socket.
std::optional<uint64_t> socket_inode(int dir_fd, const char* name) {
  char target[64];
  auto n = ::readlinkat(dir_fd, name, target, sizeof target - 1);
  if (n <= 0)
    return std::nullopt;
  target[n] = '\0';
  if (std::strncmp(target, "socket:[", 8) != 0)
    return std::nullopt;
  return std::strtoull(target + 8, nullptr, 10);
}

uint16_t port_of(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET)
    return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return 0;
}

// The host as CAF's middleman prints it (remote_addr_of_fd: inet_ntop of
// the peer's address), so that it matches what get_atom answers the front.
std::string host_of(const sockaddr_storage& a) {
  char text[INET6_ADDRSTRLEN]{};
  if (a.ss_family == AF_INET)
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(a).sin_addr, text, sizeof text);
  else
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(a).sin6_addr, text, sizeof text);
  return text;
}

// The far end of `fd` when it is a connected TCP socket on local `port`.
std::optional<peer_endpoint> accepted_peer(int fd, uint16_t port) {
  sockaddr_storage local{}, remote{};
  socklen_t len = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0
      || (local.ss_family != AF_INET && local.ss_family != AF_INET6) || port_of(local) != port)
    return std::nullopt;
  int type = 0, listening = 0;
  socklen_t olen = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &olen) != 0 || type != SOCK_STREAM)
    return std::nullopt;
  olen = sizeof listening;
  if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &olen) != 0 || listening)
    return std::nullopt;
  len = sizeof remote;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &len) != 0)
    return std::nullopt;
  return peer_endpoint{host_of(remote), port_of(remote)};
}

}  // namespace

socket_scanner::socket_scanner() {
  dir_ = ::opendir("/proc/self/fd");
  parking_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  spare_ = parking_ >= 0 ? ::fcntl(parking_, F_DUPFD_CLOEXEC, 0) : -1;
  if (!dir_ || spare_ < 0) {
    auto err = errno;
    release();
    throw std::system_error(err, std::generic_category(), "cannot watch /proc/self/fd");
  }
}

socket_scanner::~socket_scanner() {
  release();
}

void socket_scanner::release() {
  if (dir_)
    ::closedir(dir_);
  for (int fd : {spare_, parking_})
    if (fd >= 0)
      ::close(fd);
  dir_ = nullptr;
  spare_ = parking_ = -1;
}

// spare_ now refers to what `fd` refers to, if that is still the socket
// `inode`. Looking through our own descriptor closes the race with CAF
// closing `fd` and the next accept reusing its number: whatever `fd` became,
// spare_ keeps the socket that was checked. dup3 onto a descriptor we hold
// needs no free one.
bool socket_scanner::pin(int fd, uint64_t inode) {
  if (::dup3(fd, spare_, O_CLOEXEC) < 0)
    return false;
  struct stat st {};
  return ::fstat(spare_, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_ino == inode;
}

// Lets the pinned socket go: CAF's close must not wait for our next look.
void socket_scanner::unpin() {
  ::dup3(parking_, spare_, O_CLOEXEC);
}

std::vector<socket_seen> socket_scanner::accepted_on(uint16_t port) {
  std::vector<socket_seen> out;
  int dir_fd = ::dirfd(dir_);
  ::rewinddir(dir_);  // procfs lists the descriptors open now at each pass
  while (auto* e = ::readdir(dir_)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9')
      continue;
    int fd = std::atoi(e->d_name);
    if (fd == dir_fd || fd == spare_ || fd == parking_)
      continue;
    auto inode = socket_inode(dir_fd, e->d_name);
    if (!inode || !pin(fd, *inode))
      continue;
    if (auto peer = accepted_peer(spare_, port))
      out.push_back({*inode, fd, std::move(*peer)});
  }
  unpin();
  return out;
}

bool socket_scanner::shut_down(const socket_seen& s) {
  bool ours = pin(s.fd, s.inode) && ::shutdown(spare_, SHUT_RDWR) == 0;
  unpin();
  return ours;
}

}  // namespace chatter
