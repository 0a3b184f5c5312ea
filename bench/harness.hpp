// The benchmark's bookkeeping: each row is a metric measured for Chatter and
// for a reference in the same run, several times; the table shows medians
// (with min and max) and their ratio. Figures drift on a shared machine;
// ratios measured side by side hold.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace chatter::bench {

struct row {
  std::string metric;     // what, and in what unit
  std::string reference;  // what Chatter is compared with
  std::vector<double> chatter_runs;
  std::vector<double> reference_runs;
};

struct settings {
  int runs = 5;        // each figure is the median of this many
  double scale = 1.0;  // iterations per run, relative to the defaults (--quick: 0.02)
  int iterations(int normal) const {
    return std::max(1, static_cast<int>(normal * scale));
  }
};

double median(std::vector<double> v);

// One run's pair of figures.
inline void record(row& r, double chatter, double reference) {
  r.chatter_runs.push_back(chatter);
  r.reference_runs.push_back(reference);
}

// Microseconds per call of `op`, over `n` calls.
double micros_per_op(int n, const std::function<void()>& op);

// One Markdown table: metric, Chatter, reference, ratio (medians; min-max
// beside each).
void print_markdown(const std::vector<row>& rows);
void write_json(const std::vector<row>& rows, const std::string& path);

// One 1:1 load's figures: sustained rate and unloaded latency.
struct message_figures {
  double per_s = 0;
  double p50_ms = 0, p99_ms = 0;                // one message at a time
  double loaded_p50_ms = 0, loaded_p99_ms = 0;  // sent at 80 % of per_s
};

// Prosody and its driver (xmpp_peer.cpp); false when prosody is not installed.
bool xmpp_available();
message_figures measure_xmpp(int messages, int unloaded);

// The groups of rows, one file each.
std::vector<row> crypto_rows(const settings& s);
std::vector<row> auth_rows(const settings& s);
std::vector<row> dbus_rows(const settings& s);
std::vector<row> message_rows(const settings& s);
std::vector<row> cluster_rows(const settings& s);
std::vector<row> store_rows(const settings& s);

} // namespace chatter::bench
