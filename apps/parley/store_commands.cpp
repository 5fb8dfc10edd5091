// The commands on the server's store (user, location), each in its own <name>_command.cpp,
// registered here in the order `parley --help` lists them.
#include "commands.hpp"

namespace parley::app {

Command add_user_command(CLI::App& app);      // user_command.cpp
Command add_location_command(CLI::App& app);  // location_command.cpp

void add_store_commands(CLI::App& app, std::vector<Command>& commands) {
  commands.push_back(add_user_command(app));
  commands.push_back(add_location_command(app));
}

}  // namespace parley::app
