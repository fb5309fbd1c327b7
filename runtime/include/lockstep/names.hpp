// Naming for reports: give a sync object or the current thread a human name that reports show.
#pragma once

extern "C" {
// Names the sync object at `addr` (a mutex, rwlock or condition variable; for the drop-in types,
// their native handle). The name is copied. Naming an address that is later destroyed and reused
// names nothing afterwards (destroy forgets the object).
void lockstep_name_object(const volatile void *addr, const char *name);
// Names the calling thread in reports (like pthread_setname_np, without its 16-byte limit;
// names longer than 63 bytes are cut).
void lockstep_name_current_thread(const char *name);
}
