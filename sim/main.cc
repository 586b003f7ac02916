// route53-sim: entry point of the local Route 53 API simulator.
#include <cstdio>

int main() {
  std::fprintf(stderr, "usage: route53-sim --listen ADDR:PORT [options]\n");
  return 2;
}
