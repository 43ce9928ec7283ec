#!/usr/bin/perl
# A reaper that speaks the protocol of Testcontainers' Ryuk (testcontainers/ryuk
# 0.x), for machines that cannot pull that image from a registry. Testcontainers
# starts it (RYUK_CONTAINER_IMAGE), keeps a TCP connection open for as long as
# its process lives, and sends one filter per line, e.g.
#   label=org.testcontainers.session-id=5c1a...\r\n
# answered with "ACK\n". When the last connection has been closed for
# RYUK_RECONNECTION_TIMEOUT (default 10s) - the harness exited, crashed or was
# SIGKILLed - every container, network and volume matching a filter is removed
# through the Docker socket, and the reaper exits (its own container is
# auto-removed by the engine). As in Ryuk: lines are filter sets in URL query
# form (several `label=` in one line must all match), different lines are
# alternatives; RYUK_CONNECTION_TIMEOUT (default 60s) ends a reaper nobody
# connected to; SIGTERM/SIGINT reap at once.
#
# Perl because the image is committed from a PostgreSQL image built from Debian
# packages, which has Perl (and JSON::PP) and no other runtime.
use strict;
use warnings;
use IO::Select;
use IO::Socket::INET;
use IO::Socket::UNIX;
use JSON::PP;
use Time::HiRes qw(time sleep);

$| = 1;
my $port = $ENV{RYUK_PORT} // 8080;
my $docker_socket = $ENV{RYUK_DOCKER_SOCKET} // '/var/run/docker.sock';
my $connection_timeout = seconds($ENV{RYUK_CONNECTION_TIMEOUT} // '60s');
my $reconnection_timeout = seconds($ENV{RYUK_RECONNECTION_TIMEOUT} // '10s');
my $verbose = ($ENV{RYUK_VERBOSE} // '') =~ /^(1|true|yes)$/i;
# The engine names a container's hostname after its short id: the reaper must not remove itself
# before it has finished (the engine removes it once it exits).
my $self = $ENV{HOSTNAME} // '';

sub say_ { print join('', @_), "\n" }
sub debug { say_(@_) if $verbose }

# Go duration syntax as Ryuk reads it ("10s", "1m", "500ms"); a bare number is seconds.
sub seconds {
    my ($text) = @_;
    my %unit = (ms => 0.001, s => 1, m => 60, h => 3600);
    $text =~ /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/ or die "reaper: bad duration '$text' (e.g. 10s, 500ms, 1m)\n";
    return $1 * $unit{ $2 // 's' };
}

sub uri_decode { my ($s) = @_; $s =~ tr/+/ /; $s =~ s/%([0-9A-Fa-f]{2})/chr(hex($1))/ge; return $s }
sub uri_encode { my ($s) = @_; $s =~ s/([^A-Za-z0-9._~-])/sprintf('%%%02X', ord($1))/ge; return $s }

# "label=a=b&label=c" -> { label => ["a=b", "c"] }, or undef for a line that is no filter.
sub parse_filter {
    my ($line) = @_;
    my %filter;
    for my $pair (split /&/, $line) {
        next if $pair eq '';
        my ($key, $value) = split /=/, $pair, 2;
        return undef unless defined $value && $key =~ /^[a-z_-]+$/;
        push @{ $filter{ uri_decode($key) } }, uri_decode($value);
    }
    return %filter ? \%filter : undef;
}

# One HTTP/1.0 request to the engine: the engine closes the connection, so no chunked bodies.
sub engine {
    my ($method, $path) = @_;
    my $socket = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $docker_socket)
        or return (0, "cannot connect to $docker_socket: $!");
    print {$socket} "$method $path HTTP/1.0\r\nHost: docker\r\nContent-Length: 0\r\n\r\n";
    local $/;
    my $response = <$socket> // '';
    close $socket;
    my ($head, $body) = split /\r\n\r\n/, $response, 2;
    my ($status) = ($head // '') =~ m{^HTTP/\d\.\d (\d{3})};
    return ($status // 0, $body // '');
}

sub filters_query { uri_encode(encode_json($_[0])) }

sub remove_containers {
    my ($filter) = @_;
    my ($status, $body) = engine('GET', '/containers/json?all=1&filters=' . filters_query($filter));
    return (0, "listing containers: HTTP $status $body") unless $status == 200;
    my $removed = 0;
    for my $container (@{ decode_json($body) }) {
        next if $self ne '' && index($container->{Id}, $self) == 0;
        next if ($container->{Labels}{'org.testcontainers.ryuk'} // '') eq 'true';
        my ($code, $text) = engine('DELETE', "/containers/$container->{Id}?force=1&v=1");
        # 404: already gone; 409: the engine is already removing it (both count as done).
        if ($code == 204 || $code == 404 || $code == 409) { $removed++ }
        else { return ($removed, "removing container $container->{Id}: HTTP $code $text") }
    }
    return ($removed, undef);
}

sub prune {
    my ($kind, $filter) = @_;
    my ($status, $body) = engine('POST', "/$kind/prune?filters=" . filters_query($filter));
    return (0, "pruning $kind: HTTP $status $body") unless $status == 200;
    my $answer = decode_json($body);
    my $list = $answer->{ $kind eq 'networks' ? 'NetworksDeleted' : 'VolumesDeleted' } || [];
    return (scalar @$list, undef);
}

sub reap {
    my (@filters) = @_;
    my %count = (containers => 0, networks => 0, volumes => 0);
    for my $filter (@filters) {
        # Containers first: a network or volume still in use cannot be removed.
        for my $attempt (1 .. 10) {
            my ($n, $error) = remove_containers($filter);
            $count{containers} += $n;
            last unless defined $error;
            say_("reaper: $error (attempt $attempt of 10)");
            sleep 1;
        }
        for my $kind (qw(networks volumes)) {
            my ($n, $error) = prune($kind, $filter);
            $count{$kind} += $n;
            say_("reaper: $error") if defined $error;
        }
    }
    say_("Removed $count{containers} container(s), $count{networks} network(s), $count{volumes} volume(s)");
}

my $listener = IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => $port, Listen => 64, ReuseAddr => 1, Proto => 'tcp')
    or die "reaper: cannot listen on port $port: $!\n";
my $select = IO::Select->new($listener);
my (%pending, @filters, %seen);
my $stop = 0;
$SIG{TERM} = $SIG{INT} = sub { $stop = 1 };

# Testcontainers waits for this line before it connects.
say_("Started on port $port (connection timeout ${connection_timeout}s, reconnection timeout ${reconnection_timeout}s)");
my $connected = 0;
my $deadline = time + $connection_timeout;

while (!$stop) {
    my $clients = $select->count - 1;
    my $wait = $clients > 0 ? undef : $deadline - time;
    if (defined $wait && $wait <= 0) {
        say_($connected ? "no connection for ${reconnection_timeout}s: reaping" : "nobody connected within ${connection_timeout}s");
        last;
    }
    for my $handle ($select->can_read($wait)) {
        if ($handle == $listener) {
            my $client = $listener->accept or next;
            $select->add($client);
            $pending{ fileno $client } = '';
            $connected++;
            debug('connected: ', $client->peerhost // '?');
            next;
        }
        my $read = sysread($handle, my $chunk, 4096);
        if (!$read) {
            delete $pending{ fileno $handle };
            $select->remove($handle);
            close $handle;
            debug('disconnected');
            $deadline = time + $reconnection_timeout if $select->count == 1;
            next;
        }
        $pending{ fileno $handle } .= $chunk;
        while ($pending{ fileno $handle } =~ s/^([^\n]*)\n//) {
            (my $line = $1) =~ s/\r$//;
            my $filter = parse_filter($line);
            if (!$filter) { say_("reaper: ignoring a line that is no filter: '$line'"); next }
            push @filters, $filter unless $seen{$line}++;
            debug("filter: $line");
            syswrite($handle, "ACK\n");
        }
    }
}
reap(@filters);
exit 0;
