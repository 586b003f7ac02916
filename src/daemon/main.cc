// route53d: entry point. The daemon and its one-shot modes are wired here.
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc > 1 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "-V") == 0)) {
    std::printf("route53d 0.1.0\n");
    return 0;
  }
  std::fprintf(stderr, "usage: route53d -c FILE [--check | --list-zones | --export ZONE]\n");
  return 2;
}
