// The hub's accepted connections as the kernel shows them. CAF 0.17's
// middleman can neither list its connections nor close one (its close_atom
// closes a listening port; BASP's connection-timeout drops only a peer that
// sent something and then went quiet), so the reaper finds them among the
// process's descriptors (/proc/self/fd) and ends one with shutdown(2) on its
// descriptor. Not close(2): the descriptor stays CAF's; its multiplexer reads
// the end of the stream and cleans up as for a peer that hung up.
//
// Linux only. Everything here works with no descriptor to spare (a flood
// may have taken them all): the directory and two spare descriptors are
// opened once, up front.
#pragma once

#include <cstdint>
#include <vector>

#include <dirent.h>

#include "connection_table.hpp"

namespace chatter {

class socket_scanner {
public:
  // Throws std::system_error when /proc/self/fd cannot be opened.
  socket_scanner();
  ~socket_scanner();
  socket_scanner(const socket_scanner&) = delete;
  socket_scanner& operator=(const socket_scanner&) = delete;

  // The open TCP connections accepted on `port`: local port `port`, not
  // the listening socket itself (outgoing connections have another port).
  std::vector<socket_seen> accepted_on(uint16_t port);

  // Shuts the connection down, both ways, if `s.fd` still holds the socket
  // `s.inode`; false when it does not (CAF closed it meanwhile).
  bool shut_down(const socket_seen& s);

private:
  bool pin(int fd, uint64_t inode);
  void unpin();
  void release();

  DIR* dir_ = nullptr;  // /proc/self/fd
  int spare_ = -1;      // a descriptor of ours that stands in for the one looked at
  int parking_ = -1;    // /dev/null: what spare_ holds in between
};

}  // namespace chatter
