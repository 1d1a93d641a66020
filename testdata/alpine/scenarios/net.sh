# Networking on loopback only. $HTTPPORT is an HTTP server the test starts
# on the host's 127.0.0.1 (see alpineServer). nc ports are fixed per scenario.

### wget_stdout
wget -q -O - http://127.0.0.1:$HTTPPORT/hello.txt; echo "exit $?"

### wget_to_file
wget -q http://127.0.0.1:$HTTPPORT/hello.txt && cat hello.txt
wget -q -O out.txt http://127.0.0.1:$HTTPPORT/hello.txt && md5sum out.txt

### wget_big
wget -q -O - http://127.0.0.1:$HTTPPORT/big | wc -l
wget -q -O - http://127.0.0.1:$HTTPPORT/big | tail -1

### wget_404
wget -q -O - http://127.0.0.1:$HTTPPORT/nothere 2>&1; echo "exit $?"

### wget_post_useragent
wget -q -O - -U blinktest --post-data 'a=1&b=2' http://127.0.0.1:$HTTPPORT/echo

### wget_refused
wget -q -O - http://127.0.0.1:1/ 2>&1; echo "exit $?"

### nc_client_to_server
#@ timeout 25
nc -l -p 38471 > got &
sleep 1
echo 'hello over tcp' | nc -w 2 127.0.0.1 38471; echo "client $?"
wait; cat got

### nc_server_to_client
#@ timeout 25
echo 'from server' | nc -l -p 38472 &
sleep 1
nc -w 2 127.0.0.1 38472 < /dev/null
wait; echo done

### nc_refused
nc -w 2 127.0.0.1 1 < /dev/null 2>&1; echo "exit $?"

### nc_http_by_hand
printf 'GET /hello.txt HTTP/1.0\r\nHost: x\r\n\r\n' | nc -w 3 127.0.0.1 $HTTPPORT | tail -1

### loopback_ifconfig_ip
ifconfig lo | grep -o 'inet addr:127.0.0.1'
ip addr show lo | grep -o 'inet 127.0.0.1/8'

### etc_hosts_resolv
cat /etc/hosts
test -e /etc/resolv.conf && echo has-resolv || echo no-resolv

### netstat_listen
#@ timeout 25
nc -l -p 38473 > /dev/null &
sleep 1
netstat -ltn 2>/dev/null | grep -c ':38473 '
echo x | nc -w 1 127.0.0.1 38473; wait

### ip_rule_neigh
ip rule; echo "exit $?"
ip -6 rule; echo "exit $?"
ip neigh > /dev/null; echo "neigh exit $?"
