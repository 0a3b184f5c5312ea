#include "xmpp_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "harness.hpp"

namespace chatter::bench {

namespace {

constexpr size_t npos = std::string::npos;

std::string base64(const std::string& in) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size())
      n |= static_cast<uint8_t>(in[i + 1]) << 8;
    if (i + 2 < in.size())
      n |= static_cast<uint8_t>(in[i + 2]);
    out += table[(n >> 18) & 63];
    out += table[(n >> 12) & 63];
    out += i + 1 < in.size() ? table[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? table[n & 63] : '=';
  }
  return out;
}

// The '>' closing the tag that opens at `lt`, past quoted attribute values
// (which may hold '>'); npos while the tag is incomplete.
size_t tag_end(const std::string& s, size_t lt) {
  char quote = 0;
  for (size_t i = lt + 1; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote)
        quote = 0;
    } else if (std::string_view("'\"").find(c) != npos) {
      quote = c;
    } else if (c == '>') {
      return i;
    }
  }
  return npos;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::vector<std::string> xmpp_users(int pairs) {
  std::vector<std::string> out;
  for (int i = 0; i < pairs; ++i) {
    out.push_back("alice" + std::to_string(i));
    out.push_back("bob" + std::to_string(i));
  }
  return out;
}

// One client connection: the log-in is blocking (a few round trips, not
// measured); the load after it is non-blocking under the driver's epoll.
class xmpp_connection {
public:
  xmpp_connection(uint16_t port, const std::string& domain, const std::string& user);
  ~xmpp_connection() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  int fd() const {
    return fd_;
  }
  // The next complete top-level element already read, or false.
  bool next(std::string_view& stanza);
  // Reads what the socket has; false at end of stream.
  bool read_some();
  void queue(const std::string& data) {
    out_ += data;
  }
  // Writes what it can; true when nothing is left to write.
  bool flush();

private:
  void connect_to(uint16_t port);
  void send_all(const std::string& data);
  std::string next_blocking();
  void open_stream(const std::string& domain);
  void iq(const std::string& id, const std::string& payload, bool required);
  int fd_ = -1;
  std::string user_;
  std::string in_, out_;
  size_t scan_ = 0;   // where the splitter goes on
  size_t start_ = 0;  // where the stanza being read began
  int depth_ = 0;     // 1 inside <stream:stream>, 2+ inside a stanza
};

xmpp_connection::xmpp_connection(uint16_t port, const std::string& domain, const std::string& user)
  : user_(user) {
  connect_to(port);
  open_stream(domain);
  if (next_blocking().find("PLAIN") == npos)
    throw std::runtime_error(user + ": the server offers no SASL PLAIN on plain TCP");
  send_all("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
           + base64(std::string(1, '\0') + user + std::string(1, '\0') + "pw-" + user) + "</auth>");
  auto answer = next_blocking();
  if (!starts_with(answer, "<success"))
    throw std::runtime_error(user + ": the server refused the login: " + answer);
  open_stream(domain);
  next_blocking();  // the stream features after authentication
  iq("bind1", "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>bench</resource></bind>",
     true);
  // Optional since RFC 6121, still answered by both servers.
  iq("sess1", "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/>", false);
  // Available: messages to the bare JID reach this resource, once the
  // server has taken the presence in, which its echo to us shows (a message
  // sent before that is dropped, there being no offline storage).
  send_all("<presence/>");
  while (!starts_with(next_blocking(), "<presence")) {
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval none{};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
}

void xmpp_connection::connect_to(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("XMPP driver: cannot connect to port " + std::to_string(port) + ": "
                             + std::strerror(errno));
  timeval ten{10, 0};  // a server that stops answering fails the log-in
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &ten, sizeof ten);
}

void xmpp_connection::send_all(const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    auto n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0)
      throw std::runtime_error(user_ + ": the server closed the connection while logging in");
    done += static_cast<size_t>(n);
  }
}

void xmpp_connection::open_stream(const std::string& domain) {
  in_.clear();
  scan_ = start_ = 0;
  depth_ = 0;
  send_all("<?xml version='1.0'?><stream:stream to='" + domain
           + "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
             " version='1.0'>");
}

std::string xmpp_connection::next_blocking() {
  std::string_view stanza;
  while (!next(stanza))
    if (!read_some())
      throw std::runtime_error(user_ + ": no answer from the server while logging in");
  return std::string(stanza);
}

void xmpp_connection::iq(const std::string& id, const std::string& payload, bool required) {
  send_all("<iq type='set' id='" + id + "'>" + payload + "</iq>");
  for (;;) {
    auto answer = next_blocking();
    if (!starts_with(answer, "<iq") || answer.find(id) == npos)
      continue;
    if (required && answer.find("result") == npos)
      throw std::runtime_error(user_ + ": " + id + " failed: " + answer);
    return;
  }
}

bool xmpp_connection::next(std::string_view& stanza) {
  for (;;) {
    auto lt = in_.find('<', scan_);
    if (lt == npos) {
      scan_ = in_.size();
      return false;
    }
    auto gt = tag_end(in_, lt);
    if (gt == npos) {
      scan_ = lt;
      return false;
    }
    scan_ = gt + 1;
    char kind = in_[lt + 1];
    if (kind == '?' || kind == '!')
      continue;
    if (kind == '/') {
      if (--depth_ < 1)
        throw std::runtime_error(user_ + ": the server closed the XMPP stream");
      if (depth_ > 1)
        continue;
      stanza = std::string_view(in_).substr(start_, scan_ - start_);
      return true;
    }
    if (in_[gt - 1] == '/') {
      if (depth_ > 1)
        continue;
      stanza = std::string_view(in_).substr(lt, scan_ - lt);
      return true;
    }
    if (depth_++ == 1)
      start_ = lt;
  }
}

bool xmpp_connection::read_some() {
  // What the splitter has passed goes first; a stanza begun stays.
  size_t keep = depth_ > 1 ? start_ : scan_;
  in_.erase(0, keep);
  scan_ -= keep;
  start_ = depth_ > 1 ? start_ - keep : 0;
  char buf[1 << 16];
  auto n = ::recv(fd_, buf, sizeof buf, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    return true;
  if (n <= 0)
    return false;
  in_.append(buf, static_cast<size_t>(n));
  return true;
}

bool xmpp_connection::flush() {
  size_t done = 0;
  while (done < out_.size()) {
    auto n = ::send(fd_, out_.data() + done, out_.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      break;
    if (n <= 0)
      throw std::runtime_error(user_ + ": the server closed the connection");
    done += static_cast<size_t>(n);
  }
  out_.erase(0, done);
  return out_.empty();
}

// --- the driver -------------------------------------------------------------

struct xmpp_driver::pair_state {
  size_t index = 0;
  int quota = 0;
  int window = 0;
  long sent = 0, arrived = 0;
  std::vector<clock::time_point> slots;    // paced: when each is due
  std::vector<clock::time_point> sent_at;  // pair 0: what latency counts from
  bool writing = false;                    // waiting for the socket (EPOLLOUT)
};

xmpp_driver::xmpp_driver(uint16_t port, const std::string& domain, int pairs)
  : epoll_(::epoll_create1(EPOLL_CLOEXEC)), domain_(domain) {
  for (int i = 0; i < pairs; ++i) {
    senders_.push_back(
      std::make_unique<xmpp_connection>(port, domain, "alice" + std::to_string(i)));
    receivers_.push_back(
      std::make_unique<xmpp_connection>(port, domain, "bob" + std::to_string(i)));
  }
  // Events name connections by index: receivers first, then senders.
  for (size_t i = 0; i < receivers_.size() + senders_.size(); ++i) {
    auto& c = i < receivers_.size() ? receivers_[i] : senders_[i - receivers_.size()];
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, c->fd(), &ev);
  }
}

xmpp_driver::~xmpp_driver() {
  ::close(epoll_);
}

// Queues what pair `p` may send now (its window, or its schedule) and writes
// it in one go; true when some of it waits for the socket.
bool xmpp_driver::pump(pair_state& p, clock::time_point now) {
  auto& sender = *senders_[p.index];
  bool queued = false;
  auto to = "<message to='bob" + std::to_string(p.index) + "@" + domain_ + "' type='chat' id='m";
  while (p.sent < p.quota) {
    if (!p.slots.empty() ? p.slots[static_cast<size_t>(p.sent)] > now
                         : p.sent - p.arrived >= p.window)
      break;
    auto seq = p.sent++;
    if (p.index == 0)
      p.sent_at[static_cast<size_t>(seq)] =
        p.slots.empty() ? now : p.slots[static_cast<size_t>(seq)];
    auto n = std::to_string(seq);
    sender.queue(to + n + "'><body>" + n + "</body></message>");
    queued = true;
  }
  bool pending = queued || p.writing ? !sender.flush() : false;
  if (pending != p.writing) {
    epoll_event ev{};
    ev.events = EPOLLIN | (pending ? EPOLLOUT : 0u);
    ev.data.u64 = receivers_.size() + p.index;
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, sender.fd(), &ev);
    p.writing = pending;
  }
  return pending;
}

void xmpp_driver::receive(size_t index, result& out, std::vector<pair_state>& pairs) {
  auto& conn = *receivers_[index];
  if (!conn.read_some())
    throw std::runtime_error("XMPP driver: the server closed bob" + std::to_string(index));
  std::string_view stanza;
  auto now = clock::now();
  while (conn.next(stanza)) {
    if (!starts_with(stanza, "<message"))
      continue;  // presence, iq: not the load
    if (stanza.find("type='error'") != npos || stanza.find("type=\"error\"") != npos)
      throw std::runtime_error("XMPP driver: a message bounced: " + std::string(stanza));
    auto body = stanza.find("<body>");
    if (body == npos || index >= pairs.size())
      continue;
    auto seq = std::strtol(stanza.data() + body + 6, nullptr, 10);
    auto& p = pairs[index];
    ++p.arrived;
    ++out.arrived;
    out.last_arrival = now;
    if (index == 0 && seq >= 0 && seq < p.quota)
      out.latency_ms.push_back(
        std::chrono::duration<double, std::milli>(now - p.sent_at[static_cast<size_t>(seq)])
          .count());
  }
}

xmpp_driver::result xmpp_driver::run(int pairs, int per_pair, int window, double per_s) {
  result out;
  std::vector<pair_state> state(static_cast<size_t>(pairs));
  auto t0 = clock::now();
  for (size_t i = 0; i < state.size(); ++i) {
    state[i].index = i;
    state[i].quota = per_pair;
    state[i].window = window;
  }
  state[0].sent_at.resize(static_cast<size_t>(per_pair), t0);
  if (per_s > 0)
    for (int i = 0; i < per_pair; ++i)
      state[0].slots.push_back(
        t0 + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(i / per_s)));
  auto cpu0 = thread_cpu_seconds();
  long total = static_cast<long>(pairs) * per_pair;
  auto deadline = t0 + std::chrono::seconds(120);
  epoll_event events[64];
  for (auto now = clock::now(); out.arrived < total && now < deadline; now = clock::now()) {
    for (auto& p : state)
      pump(p, now);
    timespec wait{0, 100'000'000};
    auto& p0 = state[0];
    if (!p0.slots.empty() && p0.sent < p0.quota) {
      auto due = std::max(clock::duration::zero(), p0.slots[static_cast<size_t>(p0.sent)] - now);
      wait.tv_nsec = std::min<long>(wait.tv_nsec, std::chrono::nanoseconds(due).count());
    }
    int n = ::epoll_pwait2(epoll_, events, 64, &wait, nullptr);
    for (int e = 0; e < n; ++e) {
      auto i = static_cast<size_t>(events[e].data.u64);
      if (i < receivers_.size()) {
        receive(i, out, state);
      } else if (events[e].events & EPOLLIN) {  // EPOLLOUT: the next pump writes
        auto& sender = *senders_[i - receivers_.size()];
        std::string_view stanza;
        if (!sender.read_some())
          throw std::runtime_error("XMPP driver: the server closed a sender");
        while (sender.next(stanza))
          if (starts_with(stanza, "<message") && stanza.find("error") != npos)
            throw std::runtime_error("XMPP driver: a message bounced: " + std::string(stanza));
      }
    }
  }
  out.driver_cpu_s = thread_cpu_seconds() - cpu0;
  if (out.arrived > 0)
    out.seconds = std::chrono::duration<double>(out.last_arrival - t0).count();
  return out;
}

}  // namespace chatter::bench
