// ThreadSanitizer's annotations for custom mutexes, declared as a library built for ThreadSanitizer
// declares them (its tsan_interface.h); liblockstep defines them.
#pragma once

extern "C" {
void __tsan_mutex_create(void *addr, unsigned flags);
void __tsan_mutex_destroy(void *addr, unsigned flags);
void __tsan_mutex_pre_lock(void *addr, unsigned flags);
void __tsan_mutex_post_lock(void *addr, unsigned flags, int recursion);
int __tsan_mutex_pre_unlock(void *addr, unsigned flags);
void __tsan_mutex_post_unlock(void *addr, unsigned flags);
}
