"""Settings shared by every core test."""
from hypothesis import HealthCheck, settings

# Property tests judge results, not speed: on a loaded 2-core machine a per-example
# deadline or the too_slow health check would fail a correct run at random.
settings.register_profile("enercoop", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("enercoop")
