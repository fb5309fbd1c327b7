// Naming for reports: give a sync object or the current thread a human name that reports show.
// (lockstep_name_object and lockstep_name_current_thread are declared in the C header <lockstep/lockstep.h>.)
#pragma once

#include <lockstep/lockstep.h>
