/* SPDX-License-Identifier: GPL-2.0-or-later */
/* userspace-pm.h — the userspace path manager: kernel events in, subflow commands out. */
#pragma once

#include "manager.h"

void userspace_pm_handle_event(Manager *m, const PmEvent *ev);
void userspace_pm_handle_overflow(Manager *m);
/* Brings every live outgoing connection to what the current addresses allow. */
void userspace_pm_reconcile_all(Manager *m);
void userspace_pm_forget_address(Manager *m, const PmAddr *addr);
