"""JACK for Stagebox: settings, per-device defaults, profiles and the jackd process."""
