"""The register of processing activities (Art. 30 GDPR), recipients and retention rules."""
