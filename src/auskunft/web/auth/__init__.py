"""Signing in to the console: users with roles, argon2id passwords, server-side sessions, CSRF, rate limit.

users.py      users and roles (agent < dpo < admin), created with `auskunft users add`
passwords.py  argon2id hashing, rehash when the parameters change
sessions.py   server-side sessions: token hash, idle timeout, absolute lifetime, CSRF secret
ratelimit.py  failed logins per login name and per client address, in memory (sliding window)
csrf.py       the synchronizer token and the Origin/Referer check of state-changing requests
deps.py       `require_role(...)`: the dependency every console route declares
views.py      /console/login and /console/logout
"""
