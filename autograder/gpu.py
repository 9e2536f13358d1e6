"""The grading machine's NVIDIA GPU, seen from the grader's side without importing torch.

A machine has a CUDA device when the driver made its device nodes: ``/dev/nvidiactl`` and one
``/dev/nvidiaN`` per GPU. Two things follow from that, and only from that:

* the probes of a torch task also run it on ``cuda`` (:func:`autograder.probes.with_cuda`);
* the sandbox binds what CUDA opens into the kernel's file system (:func:`sandbox_paths`),
  read-only: a device node on a read-only mount still opens for reading and writing, so the
  driver works, while the node itself cannot be changed. ``/proc/driver/nvidia`` needs no bind:
  the sandbox's fresh ``/proc`` shows it.

Nothing else of the host's ``/dev`` or ``/sys`` enters the sandbox for it.
"""
from __future__ import annotations

import os
import re

DEV = "/dev"
SYS = "/sys"
NODE = re.compile(r"nvidia(\d+|ctl|-uvm|-uvm-tools|-modeset|-caps)$")   # nvidia0, nvidiactl, nvidia-uvm...


def device_nodes() -> list[str]:
    """The NVIDIA device nodes of this machine (``/dev/nvidia0``, ``/dev/nvidiactl``...), sorted."""
    try:
        names = os.listdir(DEV)
    except OSError:
        return []
    return sorted(f"{DEV}/{name}" for name in names if NODE.match(name))


def cuda_present() -> bool:
    """True when the driver's control node and at least one GPU node exist."""
    names = {os.path.basename(path) for path in device_nodes()}
    return "nvidiactl" in names and any(name[6:].isdigit() for name in names)


def sandbox_paths() -> list[str]:
    """What the kernel's file system needs for CUDA, all bound read-only ([] without a GPU): the
    device nodes, the driver's module folder, the NUMA nodes, and each GPU's PCI folder with the
    link that names it under ``/sys/bus/pci/devices`` (the driver reads its device's sysfs)."""
    if not cuda_present():
        return []
    paths = device_nodes()
    paths += [p for p in (f"{SYS}/module/nvidia", f"{SYS}/devices/system/node") if os.path.isdir(p)]
    driver = f"{SYS}/bus/pci/drivers/nvidia"
    for name in sorted(os.listdir(driver)) if os.path.isdir(driver) else ():
        link = f"{SYS}/bus/pci/devices/{name}"
        if os.path.islink(link):                     # a PCI address such as 0000:17:00.0
            paths += [os.path.realpath(link), link]
    return paths
