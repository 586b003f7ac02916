#!/usr/bin/python3
# Regenerates the datagrams in tsig_test.cc: runs nsupdate/knsupdate/dig/kdig with -y against a
# silent UDP listener on 127.0.0.1 and prints "tool alg hex" per captured message.
import socket, sys, subprocess, binascii
def capture(cmd, stdin=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]
    s.settimeout(5)
    cmd = [c.replace('PORT', str(port)) for c in cmd]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if stdin: p.stdin.write(stdin.replace('PORT', str(port)).encode()); 
    p.stdin.close()
    data, _ = s.recvfrom(65535)
    p.kill(); p.wait()
    return binascii.hexlify(data).decode()
secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ="  # 32 octets-ish
upd = "server 127.0.0.1 PORT\nzone example.com\nupdate add www.example.com 300 A 192.0.2.1\nsend\n"
for alg in ["hmac-md5","hmac-sha1","hmac-sha224","hmac-sha256","hmac-sha384","hmac-sha512"]:
    print("nsupdate", alg, capture(["nsupdate","-t","2","-u","1","-r","0","-y",f"{alg}:update-key:{secret}"], upd))
print("nsupdate-trunc hmac-sha256-128", capture(["nsupdate","-t","2","-u","1","-r","0","-y",f"hmac-sha256-128:update-key:{secret}"], upd))
print("knsupdate hmac-sha256", capture(["knsupdate","-t","2","-r","0","-y",f"hmac-sha256:update-key:{secret}"], upd))
print("dig hmac-sha512", capture(["dig","+tries=1","+time=2","-p","PORT","@127.0.0.1","-y",f"hmac-sha512:update-key:{secret}","example.com","SOA"]))
print("kdig hmac-sha384", capture(["kdig","+retry=0","+timeout=2","-p","PORT","@127.0.0.1","-y",f"hmac-sha384:update-key:{secret}","example.com","SOA"]))
