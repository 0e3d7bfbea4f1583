import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
const docker = new Docker();
const now = () => performance.now();
async function once(how: 'dockerode' | 'curl', tag: string) {
  const project = `gdl-test-bench-floorx-${tag}-p${process.pid}`;
  const net = `${project}_default`;
  await docker.createNetwork({ Name: net, Driver: 'bridge', CheckDuplicate: true, Attachable: true, Labels: { 'com.docker.compose.project': project } });
  const hc: any = { NetworkMode: net, PortBindings: { '3306/tcp': [{ HostIp: '127.0.0.1', HostPort: '3306' }] }, RestartPolicy: { Name: 'always' } };
  const c = await docker.createContainer({ name: `${project}-mysql-1`, Image: 'mysql:8', Labels: { 'com.docker.compose.project': project }, ExposedPorts: { '3306/tcp': {} }, HostConfig: hc, NetworkingConfig: { EndpointsConfig: { [net]: { Aliases: ['mysql'] } } } });
  const t3 = now();
  if (how === 'dockerode') await c.start();
  else execFileSync('curl', ['-s', '-X', 'POST', '--unix-socket', '/var/run/docker.sock', `http://localhost/v1.41/containers/${c.id}/start`]);
  const t4 = now();
  await c.remove({ force: true, v: true });
  await docker.getNetwork(net).remove();
  return { how, start: (t4 - t3).toFixed(0) };
}
for (let i = 0; i < 3; i++) { await new Promise((r) => setTimeout(r, 3000));
  console.log(await once('dockerode', `a${i}`));
  console.log(await once('curl', `b${i}`));
}
