-- One database per portal plus the province's own, as in a real deployment, where each portal's
-- database belongs to its portal. Demo-only: real portal databases already exist.
CREATE DATABASE bz;
CREATE DATABASE aks;
CREATE DATABASE wlmq;
CREATE DATABASE province;
