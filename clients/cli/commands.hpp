// One function per sub-command; each adds itself to the app and calls the
// daemon through the generated proxies when chosen.
#pragma once

#include <CLI/CLI.hpp>

#include "context.hpp"

namespace chatter::cli {

void add_register_command(CLI::App& app, context& ctx);
void add_login_command(CLI::App& app, context& ctx);
void add_logout_command(CLI::App& app, context& ctx);
void add_accounts_command(CLI::App& app, context& ctx);
void add_status_command(CLI::App& app, context& ctx);
void add_send_command(CLI::App& app, context& ctx);
void add_send_many_command(CLI::App& app, context& ctx);
void add_history_command(CLI::App& app, context& ctx);
void add_pending_command(CLI::App& app, context& ctx);
void add_ack_command(CLI::App& app, context& ctx);
void add_fingerprint_command(CLI::App& app, context& ctx);
void add_verify_command(CLI::App& app, context& ctx);
void add_session_command(CLI::App& app, context& ctx);
void add_watch_command(CLI::App& app, context& ctx);
void add_search_command(CLI::App& app, context& ctx);
void add_presence_command(CLI::App& app, context& ctx);
void add_contacts_command(CLI::App& app, context& ctx);
void add_room_command(CLI::App& app, context& ctx);
void add_read_command(CLI::App& app, context& ctx);
void add_tux_command(CLI::App& app, context& ctx);

// A message as JSON and as one line of text.
nlohmann::json message_json(const sdbus::Struct<std::string, std::string, std::string,
                                                std::string, int64_t, std::string>& m);
std::string message_line(const sdbus::Struct<std::string, std::string, std::string,
                                             std::string, int64_t, std::string>& m);

} // namespace chatter::cli
