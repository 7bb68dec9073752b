#!/bin/sh
echo "mkinitramfs: not yet"
