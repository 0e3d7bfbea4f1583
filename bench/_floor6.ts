import Docker from 'dockerode';
const docker = new Docker();
const now = () => performance.now();
async function once(variant: string, tag: string) {
  const project = `gdl-test-bench-floorx-${tag}-p${process.pid}`;
  const net = `${project}_default`;
  await docker.createNetwork({ Name: net, Driver: 'bridge', CheckDuplicate: true, Attachable: true, Labels: { 'com.docker.compose.project': project } });
  const vol = `${project}_mysql-storage`;
  await docker.createVolume({ Name: vol, Driver: 'local', Labels: { 'com.docker.compose.project': project } });
  const hc: any = { NetworkMode: net, PortBindings: { '3306/tcp': [{ HostIp: '127.0.0.1', HostPort: '3306' }] }, RestartPolicy: { Name: 'always', MaximumRetryCount: 0 }, Binds: [`${vol}:/var/lib/mysql:rw`], VolumesFrom: [], Links: [], LogConfig: { Type: '', Config: {} } };
  const body: any = { name: `${project}-mysql-1`, Image: 'mysql:8', Labels: { 'com.docker.compose.project': project }, ExposedPorts: { '3306/tcp': {} }, Volumes: { '/var/lib/mysql': {} }, HostConfig: hc, NetworkingConfig: { EndpointsConfig: { [net]: { Aliases: ['mysql'], IPAMConfig: {} } } },
    Env: ['MYSQL_ROOT_PASSWORD=admin', 'TZ=UTC'], Cmd: ['--character-set-server=utf8mb4'] };
  if (variant === 'nocmd') delete body.Cmd;
  const c = await docker.createContainer(body);
  const t3 = now();
  await c.start();
  const t4 = now();
  await c.remove({ force: true, v: true });
  await docker.getNetwork(net).remove();
  await docker.getVolume(vol).remove();
  return { variant, start: (t4 - t3).toFixed(0) };
}
for (let i = 0; i < 3; i++) {
  console.log(await once('compose-like', `a${i}`));
  console.log(await once('nocmd', `b${i}`));
}
