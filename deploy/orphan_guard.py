"""A dramatiq worker child that outlives its parent stops too.

Imported by every worker child through the command line (deploy/supervisord.conf runs
``dramatiq actors.worker deploy.orphan_guard …``). Without it, a ``kill -9`` of a dramatiq
*parent* leaves its child running as an orphan: supervisord starts a new parent and child,
and the orphan goes on consuming, unsupervised, until someone finds it — even after
supervisord itself stops (it signals only the processes it started).

Linux ``prctl(PR_SET_PDEATHSIG, SIGTERM)``: the kernel sends SIGTERM to this process when
its parent dies. dramatiq's child has its SIGTERM handler installed before it imports the
modules, so this is the normal graceful stop: the messages in hand finish (or, if it is
killed meanwhile, their leases expire and the reconciler queues them again). Elsewhere, or
when not imported by a multiprocessing child, it does nothing.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
logger = logging.getLogger(__name__)


def install() -> bool:
    """Ask for SIGTERM when the parent dies. True when installed."""
    parent = multiprocessing.parent_process()
    if parent is None or not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0) != 0:
        logger.warning("prctl(PR_SET_PDEATHSIG) failed: errno %s", ctypes.get_errno())
        return False
    if os.getppid() != parent.pid:  # the parent died before the request was made
        os.kill(os.getpid(), signal.SIGTERM)
    return True


install()
