// Lists keys through the installed keyscope package; exit code 0 when the call succeeded.
#include <keyscope/keyscope.hpp>

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: consumer BASE_URL TOKEN\n";
    return 2;
  }
  keyscope::ClientOptions options;
  options.base_url = argv[1];
  options.session_token = argv[2];
  auto client = keyscope::Client::create(options);
  if (!client) {
    std::cerr << keyscope::to_string(client.error()) << "\n";
    return 2;
  }
  auto keys = client->list_keys();
  if (!keys) {
    std::cerr << keyscope::to_string(keys.error()) << "\n";
    return 1;
  }
  std::cout << keys->data.size() << " keys, first " << keys->data.front().key_prefix << " ("
            << keyscope::analytics::environment_of(keys->data.front().key_prefix) << ")\n";
  return 0;
}
