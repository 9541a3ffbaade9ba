-- The bz portal's own tables, exactly as they stand in the portal's database. The portal owns
-- them; this migration exists so development and test databases look like the real one.
-- IF NOT EXISTS makes it a no-op against a real portal database, which already has them.
CREATE TABLE IF NOT EXISTS ry_jbxx (
  ryid  bigserial PRIMARY KEY,
  xm    varchar(50) NOT NULL,
  xb    varchar(2),
  mz    varchar(20),
  zzmm  varchar(20),
  sfzh  varchar(32) NOT NULL,
  gzdw  varchar(200),
  dwxz  varchar(20),
  szxs  varchar(20),
  lrsj  timestamp
);

CREATE TABLE IF NOT EXISTS sb_sqs (
  sqsid  bigserial PRIMARY KEY,
  ryid   bigint NOT NULL REFERENCES ry_jbxx (ryid),
  pcdm   varchar(20),
  sbnd   smallint NOT NULL,
  xl     varchar(20),
  zy     varchar(40),
  sbjb   varchar(10),
  pslb   varchar(10),
  zt     smallint,
  tjcs   smallint DEFAULT 0,
  zhtjsj timestamp,
  dbzt   varchar(10),
  jfje   numeric(8,2)
);

CREATE TABLE IF NOT EXISTS ry_rzzg (
  zgid  bigserial PRIMARY KEY,
  ryid  bigint REFERENCES ry_jbxx (ryid),
  zgmc  varchar(50),
  xl    varchar(20),
  zy    varchar(40),
  jb    varchar(10),
  qdsj  date,
  qdfs  varchar(10),
  pzwh  varchar(100),
  zsbh  varchar(50),
  qddq  varchar(10)
);

CREATE TABLE IF NOT EXISTS ry_ndkh (
  ryid  bigint,
  khnd  smallint,
  khjg  varchar(10)
);

CREATE TABLE IF NOT EXISTS cx_sxjl (
  jlid  bigserial PRIMARY KEY,
  ryid  bigint,
  sxyy  text,
  cfrq  date,
  jzrq  date
);
