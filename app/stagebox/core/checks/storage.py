"""Memory and disks: swappiness (only with swap) and file systems unsuited to recording."""

from __future__ import annotations

from stagebox.core.checks.base import CheckContext, CheckResult, Status

SWAPPINESS_MAX = 10
SYSCTL_FILE = "/etc/sysctl.d/90-audio-swappiness.conf"

#: File systems that add unpredictable delays to reads and writes (network, user space,
#: or known for long stalls).
SLOW_FILESYSTEMS = ("fuse", "fuseblk", "nfs", "nfs4", "cifs", "smb3", "smbfs", "reiserfs", "sshfs")
#: Mount points that are not where audio files live (desktop helpers, system trees).
_IGNORED_PREFIXES = ("/proc", "/sys", "/dev", "/run/user/", "/run/snapd", "/snap/")


def check_swappiness(ctx: CheckContext) -> CheckResult:
    why = (
        "A high swappiness lets the kernel move programs' memory to disk early, and reading "
        "it back in the middle of a session stalls audio."
    )
    title = "Swappiness"
    swaps_text = ctx.root.read_text("/proc/swaps")
    if swaps_text is None:
        return CheckResult(
            "memory.swappiness", title, Status.NOT_APPLICABLE, "/proc/swaps is not readable", why
        )
    swaps = [line for line in swaps_text.splitlines()[1:] if line.strip()]
    value = ctx.root.read_attr("/proc/sys/vm/swappiness")
    if not swaps:
        reading = "no swap in use" + (f" (swappiness {value})" if value else "")
        return CheckResult("memory.swappiness", title, Status.NOT_APPLICABLE, reading, why)
    if value is None or not value.isdecimal():
        return CheckResult(
            "memory.swappiness", title, Status.NOT_APPLICABLE, "swappiness is not readable", why
        )
    reading = f"swappiness {value}, {len(swaps)} swap area{'s' if len(swaps) > 1 else ''} in use"
    if int(value) <= SWAPPINESS_MAX:
        return CheckResult("memory.swappiness", title, Status.OK, reading, why)
    return CheckResult(
        "memory.swappiness",
        title,
        Status.WARNING,
        reading,
        why,
        f"echo 'vm.swappiness = {SWAPPINESS_MAX}' | sudo tee {SYSCTL_FILE} && "
        f"sudo sysctl -p {SYSCTL_FILE}",
        needs_root=True,
    )


def check_filesystems(ctx: CheckContext) -> CheckResult:
    why = (
        "Recording to or playing from a network or user-space file system adds delays the "
        "audio software cannot plan for."
    )
    title = "File systems"
    flagged: list[str] = []
    total = 0
    for line in (ctx.root.read_text("/proc/mounts") or "").splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        fs_type = fields[2]
        if mount_point.startswith(_IGNORED_PREFIXES) or fs_type == "fusectl":
            continue
        total += 1
        if fs_type.split(".")[0] in SLOW_FILESYSTEMS:
            flagged.append(f"{mount_point} ({fs_type})")
    if total == 0:
        return CheckResult(
            "storage.filesystems", title, Status.NOT_APPLICABLE, "/proc/mounts is not readable", why
        )
    if not flagged:
        return CheckResult(
            "storage.filesystems",
            title,
            Status.OK,
            f"no network, FUSE or reiserfs mounts among {total}",
            why,
        )
    return CheckResult(
        "storage.filesystems",
        title,
        Status.WARNING,
        "mounted: " + ", ".join(flagged),
        why,
        "keep your audio projects and samples on a local disk (ext4, xfs, btrfs)",
    )
