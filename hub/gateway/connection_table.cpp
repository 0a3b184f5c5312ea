#include "connection_table.hpp"

#include <set>

namespace chatter {

namespace {

// Seconds for a log line: "5 s", "0.5 s".
std::string seconds(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms % 1000 == 0)
    return std::to_string(ms / 1000) + " s";
  auto text = std::to_string(ms / 1000) + "." + std::to_string(1000 + ms % 1000).substr(1);
  while (text.back() == '0')
    text.pop_back();
  return text + " s";
}

}  // namespace

std::string peer_endpoint::str() const {
  auto h = host.find(':') == std::string::npos ? host : "[" + host + "]";
  return h + ":" + std::to_string(port);
}

void connection_table::scanned(const std::vector<socket_seen>& open, time_point now) {
  std::set<uint64_t> still_open;
  for (auto& s : open) {
    still_open.insert(s.inode);
    auto [i, fresh] = sockets_.try_emplace(s.inode, socket_entry{s, now});
    if (!fresh)
      i->second.seen.fd = s.fd;
  }
  for (auto i = sockets_.begin(); i != sockets_.end();)
    i = still_open.count(i->first) ? std::next(i) : sockets_.erase(i);
  forget_stale_hellos(open);
}

// A hello whose socket was seen and is gone now belongs to a closed
// connection; one whose socket no scan saw came over a connection that is
// not ours to watch (a peer node answering over our own outgoing one). A
// hello can come in before the first scan sees its socket, hence the grace
// of a scan.
void connection_table::forget_stale_hellos(const std::vector<socket_seen>& open) {
  std::set<peer_endpoint> peers;
  for (auto& s : open)
    peers.insert(s.peer);
  for (auto i = hellos_.begin(); i != hellos_.end();) {
    auto& h = i->second;
    bool seen = peers.count(i->first) > 0;
    if (seen) {
      h.matched = true;
      h.unmatched_scans = 0;
    }
    bool stale = !seen && (h.matched || ++h.unmatched_scans > 2);
    i = stale ? hellos_.erase(i) : std::next(i);
  }
}

void connection_table::member_hello(const peer_endpoint& peer, time_point now) {
  // A second hello on the same connection (the same node) restarts nothing.
  hellos_.try_emplace(peer, hello_entry{false, 0, now});
}

void connection_table::node_hello(const peer_endpoint& peer) {
  hellos_[peer].node = true;
}

void connection_table::sessions(const peer_endpoint& peer, size_t count, time_point now) {
  auto i = hellos_.find(peer);
  if (i == hellos_.end())
    return;
  if (count == 0 && i->second.sessions > 0)
    i->second.quiet_since = now;
  i->second.sessions = count;
}

void connection_table::gateway_ended(const peer_endpoint& peer) {
  auto i = hellos_.find(peer);
  if (i != hellos_.end() && !i->second.node)
    hellos_.erase(i);
}

std::vector<reap_order> connection_table::due(time_point now) {
  std::vector<reap_order> out;
  for (auto& entry : sockets_) {
    auto& s = entry.second;
    if (s.ordered)
      continue;
    auto h = hellos_.find(s.seen.peer);
    std::string why;
    if (h == hellos_.end()) {
      if (now - s.first_seen >= deadlines_.hello)
        why = "no hello within " + seconds(deadlines_.hello);
    } else if (!h->second.node && h->second.sessions == 0
               && now - h->second.quiet_since >= deadlines_.session) {
      why = "no session for " + seconds(deadlines_.session);
    }
    if (why.empty())
      continue;
    s.ordered = true;
    out.push_back({s.seen, std::move(why)});
  }
  return out;
}

}  // namespace chatter
