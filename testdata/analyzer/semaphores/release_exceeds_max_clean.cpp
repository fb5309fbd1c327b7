// sem-release-exceeds-max look-alikes: FIXME: say what these cases share with the bugs and why they are fine.
#include <semaphore>

namespace scaffold {

// clean: sem-release-exceeds-max  FIXME: a placeholder; write at least 6 real look-alikes, each under its own marker
void Placeholder() {}

} // namespace scaffold
