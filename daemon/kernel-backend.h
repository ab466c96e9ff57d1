/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kernel-backend.h — the in-kernel path manager backend of the daemon: profile → endpoints. */
#pragma once

#include "manager.h"

/* Programs the namespace's endpoints and limits for the active profile (which asks for the
 * in-kernel PM) and logs what changed, what the kernel refused and the conflicts (endpoints of
 * others on managed interfaces). */
int kernel_backend_apply(Manager *m);
/* Deletes the daemon's endpoints (others' stay, so do the limits): on switching to a userspace
 * profile and on a clean stop. */
int kernel_backend_release(Manager *m);
