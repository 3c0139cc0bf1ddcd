"""Who runs the audio: not root, and in the audio group."""

from __future__ import annotations

from stagebox.core.checks.base import CheckContext, CheckResult, Status


def check_root_user(ctx: CheckContext) -> CheckResult:
    why = (
        "JACK and the programs that connect to it must run as the same desktop user; "
        "as root they cannot see each other and files end up owned by root."
    )
    title = "Not running as root"
    if ctx.is_root:
        return CheckResult(
            "user.root",
            title,
            Status.WARNING,
            "running as root (uid 0): realtime and group checks below describe root, not you",
            why,
            "run `stagebox check` as your normal user, without sudo",
        )
    name = ctx.user_name or "unknown name"
    return CheckResult(
        "user.root", title, Status.OK, f"running as {name} (uid {ctx.process.uid})", why
    )


def check_audio_group(ctx: CheckContext) -> CheckResult:
    why = (
        "Most distributions grant realtime priority and locked memory to the audio group "
        "(/etc/security/limits.d), so JACK gets them only for its members."
    )
    title = "Member of the audio group"
    check_id = "user.audio_group"
    if ctx.is_root:
        return CheckResult(
            check_id, title, Status.NOT_APPLICABLE, "running as root: no group needed", why
        )
    if "audio" not in ctx.groups:
        return CheckResult(
            check_id, title, Status.NOT_APPLICABLE, "/etc/group has no audio group", why
        )
    user = ctx.user_name or "$USER"
    configured = "audio" in ctx.configured_groups()
    in_session = "audio" in ctx.session_groups()
    if configured and in_session:
        return CheckResult(check_id, title, Status.OK, f"{user} is in the audio group", why)
    if in_session:
        return CheckResult(
            check_id,
            title,
            Status.OK,
            f"this session has the audio group ({user} is no longer listed in /etc/group)",
            why,
        )
    if configured:
        return CheckResult(
            check_id,
            title,
            Status.WARNING,
            f"/etc/group lists {user} in audio, but this login session started before that",
            why,
            "log out and back in (or restart the computer)",
        )
    return CheckResult(
        check_id,
        title,
        Status.WARNING,
        f"{user} is not in the audio group",
        why,
        f"sudo usermod -aG audio {user}   (then log out and back in)",
        needs_root=True,
    )
