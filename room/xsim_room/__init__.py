"""The training room's code that runs in the trainee runtime (see ``room/roomruntime.py``).

- :mod:`xsim_room.forkserver` — the warm process trainees' servers and kernels are forked from;
- :mod:`xsim_room.provisioner` — the kernel provisioner a trainee's server uses to ask for one;
- :mod:`xsim_room.answers` — the answer key a trainee's kernel asks instead of reading answers.

The room copies this package into the runtime it builds; nothing here imports the checkout.
"""
