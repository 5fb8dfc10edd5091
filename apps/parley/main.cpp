// parley: one command, a subcommand per job. Each subcommand lives in its own file and stays thin
// over the library.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"parley: SIP signalling (RFC 3261) — message tools, user agents and a server"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("parley ") + PARLEY_VERSION);
  std::vector<parley::app::Command> commands = {
      parley::app::add_parse_command(app),
  };
  parley::app::add_ua_commands(app, commands);
  parley::app::add_server_commands(app, commands);
  parley::app::add_store_commands(app, commands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 exits 0 for --help and --version; errors in the command line exit 2, like getopt tools.
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  for (const auto& c : commands)
    if (c.cli->parsed()) return c.run();
  return 2;
}
