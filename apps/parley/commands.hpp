// Each subcommand registers itself on the CLI11 app and returns the function that runs it.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace parley::app {

using Run = std::function<int()>;
struct Command {
  CLI::App* cli;
  Run run;
};

Command add_parse_command(CLI::App& app);
// The user agent commands (options, register, call, answer, ...): ua_commands.cpp.
void add_ua_commands(CLI::App& app, std::vector<Command>& commands);
// The server (serve): server_commands.cpp.
void add_server_commands(CLI::App& app, std::vector<Command>& commands);
// The commands on the server's store (user, location): store_commands.cpp.
void add_store_commands(CLI::App& app, std::vector<Command>& commands);

}  // namespace parley::app
