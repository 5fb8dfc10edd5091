// The server commands, each in its own <name>_command.cpp, registered here in the order
// `parley --help` lists them.
#include "commands.hpp"

namespace parley::app {

// serve_command.cpp
void add_serve_command(CLI::App& app, std::vector<Command>& commands);

void add_server_commands(CLI::App& app, std::vector<Command>& commands) {
  add_serve_command(app, commands);
}

}  // namespace parley::app
