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

} // namespace chatter::cli
